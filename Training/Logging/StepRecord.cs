using System.Text.Json.Serialization;

namespace FlorenceVL.Training.Logging;

/// <summary>One optimiser step as the JSON-lines log writes it.</summary>
public sealed record StepRecord(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("loss")] double Loss,
    [property: JsonPropertyName("lr")] double LearningRate,
    [property: JsonPropertyName("grad_norm")] double GradNorm,
    [property: JsonPropertyName("tokens")] int NumTokens,
    [property: JsonPropertyName("tokens_per_s")] double TokensPerSecond,
    [property: JsonPropertyName("elapsed_s")] double ElapsedSeconds);
