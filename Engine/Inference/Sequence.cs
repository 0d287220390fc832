namespace FlorenceVL.Engine.Inference;

/// <summary>
/// One generation stream: prompt tokens then generated tokens, and how far its KV cache is written
/// (positions [0, NumComputedTokens)). Mutated only by the scheduler and block manager, on the engine thread.
/// Generated tokens survive preemption, so a recomputed sequence continues exactly where it stopped.
/// </summary>
public sealed class Sequence
{
    private readonly List<int> _tokenIds;

    public Sequence(long id, IReadOnlyList<int> promptTokenIds, SamplingParams samplingParams,
        IReadOnlyList<SequenceImage>? images = null)
    {
        if (promptTokenIds.Count == 0)
            throw new ArgumentException("A sequence needs at least one prompt token.", nameof(promptTokenIds));
        Id = id;
        _tokenIds = [.. promptTokenIds];
        NumPromptTokens = promptTokenIds.Count;
        SamplingParams = samplingParams;
        Images = images ?? [];
        CheckImages();
    }

    public long Id { get; }

    public IReadOnlyList<int> TokenIds => _tokenIds;

    public int NumPromptTokens { get; }

    /// <summary>Positions whose K/V are in the cache (computed or reused from the prefix cache).</summary>
    public int NumComputedTokens { get; internal set; }

    /// <summary>Prompt tokens reused from the prefix cache at first admission (usage.cached_tokens).</summary>
    public int NumCachedTokens { get; internal set; }

    public IReadOnlyList<int> BlockTable => BlockIds;

    public IReadOnlyList<SequenceImage> Images { get; }

    public SamplingParams SamplingParams { get; }

    /// <summary>What the model runner needs beyond tokens (pixels, stored features, seed); the scheduler only carries it.</summary>
    public SequenceInputs Inputs { get; init; } = SequenceInputs.None;

    /// <summary>Namespaces this sequence's prefix-cache blocks: only sequences with the same salt share KV.</summary>
    public string? CacheSalt { get; init; }

    public SequenceStatus Status { get; internal set; } = SequenceStatus.Waiting;

    public FinishReason? FinishReason { get; internal set; }

    public int NumTokens => _tokenIds.Count;

    public int NumCompletionTokens => NumTokens - NumPromptTokens;

    public int NumUncomputedTokens => NumTokens - NumComputedTokens;

    public int NumBlocks => BlockIds.Count;

    public int LastTokenId => _tokenIds[^1];

    public bool IsFinished => Status == SequenceStatus.Finished;

    public IEnumerable<int> CompletionTokenIds => _tokenIds.Skip(NumPromptTokens);

    internal List<int> BlockIds { get; } = [];

    /// <summary>Prefix-cache hashes of this sequence's full blocks, computed once: tokens only ever append.</summary>
    internal List<UInt128> BlockHashes { get; } = [];

    /// <summary>Leading blocks whose hash is already attached to the block (cached or registered).</summary>
    internal int NumHashedBlocks { get; set; }

    internal void AppendToken(int tokenId) => _tokenIds.Add(tokenId);

    /// <summary>The image covering <paramref name="position"/>, if any.</summary>
    public SequenceImage? ImageAt(int position)
    {
        foreach (var image in Images)
            if (position >= image.Offset && position < image.End)
                return image;
        return null;
    }

    private void CheckImages()
    {
        var previousEnd = 0;
        foreach (var image in Images)
        {
            if (image.Length <= 0 || image.Offset < previousEnd || image.End > NumPromptTokens)
                throw new ArgumentException(
                    $"Image {image.ContentHash} at [{image.Offset}, {image.End}) must be non-empty, sorted, "
                    + $"non-overlapping and inside the {NumPromptTokens}-token prompt.", "images");
            previousEnd = image.End;
        }
    }
}
