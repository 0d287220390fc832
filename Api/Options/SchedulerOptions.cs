using System.ComponentModel.DataAnnotations;

namespace FlorenceVL.Api.Options;

/// <summary>Engine runtime knobs (section FlorenceVL:Scheduler); architecture always comes from the checkpoint.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "FlorenceVL:Scheduler";

    [Range(1L * 1024 * 1024, long.MaxValue, ErrorMessage = "FlorenceVL:Scheduler:KvCacheBytes must be at least 1 MiB.")]
    public long KvCacheBytes { get; set; } = 256L * 1024 * 1024;

    [Range(1, 1024, ErrorMessage = "FlorenceVL:Scheduler:BlockSize must be between 1 and 1024.")]
    public int BlockSize { get; set; } = 16;

    [Range(1, 4096, ErrorMessage = "FlorenceVL:Scheduler:MaxNumSeqs must be between 1 and 4096.")]
    public int MaxNumSeqs { get; set; } = 32;

    [Range(16, 1_048_576, ErrorMessage = "FlorenceVL:Scheduler:MaxNumBatchedTokens must be between 16 and 1048576.")]
    public int MaxNumBatchedTokens { get; set; } = 2048;

    [Range(1, 1_048_576, ErrorMessage = "FlorenceVL:Scheduler:LongPrefillTokenThreshold must be between 1 and 1048576.")]
    public int? LongPrefillTokenThreshold { get; set; } = 512;

    /// <summary>Requests allowed to queue before new ones get 429.</summary>
    [Range(1, 1_000_000, ErrorMessage = "FlorenceVL:Scheduler:MaxWaiting must be between 1 and 1000000.")]
    public int MaxWaiting { get; set; } = 256;

    [Range(16, 1_048_576, ErrorMessage = "FlorenceVL:Scheduler:MaxModelLen must be between 16 and 1048576.")]
    public int? MaxModelLen { get; set; }

    [Range(1, 100_000, ErrorMessage = "FlorenceVL:Scheduler:EncoderCacheImages must be between 1 and 100000.")]
    public int EncoderCacheImages { get; set; } = 64;

    /// <summary>Run one short generation before reporting ready.</summary>
    public bool WarmUp { get; set; } = true;
}
