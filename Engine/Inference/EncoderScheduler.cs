namespace FlorenceVL.Engine.Inference;

/// <summary>
/// The scheduler's image bookkeeping. A sequence takes an image's embeddings (a cache hit, or a reservation the
/// vision tower fills this step) when a chunk first touches the image, and holds them until it has computed past
/// the image, so a chunk may end inside an image without re-running the vision tower.
/// </summary>
internal sealed class EncoderScheduler(IEncoderCache cache)
{
    private readonly Dictionary<long, HashSet<string>> _held = [];

    /// <summary>Cuts a chunk of <paramref name="numTokens"/> from <paramref name="start"/> before the first image
    /// whose embeddings cannot get room. Reads the cache only; <see cref="Commit"/> takes the room.</summary>
    public EncoderPlan Plan(Sequence sequence, int start, int numTokens)
    {
        var held = _held.GetValueOrDefault(sequence.Id);
        var planned = new HashSet<string>();
        var indices = new List<int>();
        var required = 0;
        for (var i = 0; i < sequence.Images.Count; i++)
        {
            var image = sequence.Images[i];
            if (!image.Overlaps(start, start + numTokens) || held?.Contains(image.ContentHash) == true
                || !planned.Add(image.ContentHash))
                continue;
            // Taking an unheld resident entry pins it, which costs its room exactly like a new one.
            var cost = cache.Find(image.ContentHash) is { } entry ? (entry.NumHolders > 0 ? 0 : entry.NumTokens) : image.Length;
            if (!cache.CanReserve(required + cost))
                return new EncoderPlan(Math.Max(0, image.Offset - start), indices);
            required += cost;
            indices.Add(i);
        }
        return new EncoderPlan(numTokens, indices);
    }

    /// <summary>Takes the planned images: hits first (pinning them), then reservations, which may evict only
    /// unpinned entries. New reservations become this step's encoder inputs.</summary>
    public void Commit(Sequence sequence, EncoderPlan plan, List<EncoderInput> encoderInputs)
    {
        if (plan.ImageIndices.Count == 0)
            return;
        var held = GetHeld(sequence.Id);
        var misses = plan.ImageIndices.Where(i => cache.Find(sequence.Images[i].ContentHash) is null).ToList();
        foreach (var i in plan.ImageIndices.Except(misses))
            cache.TryAcquire(sequence.Images[i].ContentHash, sequence.Id);
        foreach (var i in misses)
        {
            var image = sequence.Images[i];
            if (!cache.TryReserve(image.ContentHash, image.Length, sequence.Id))
                throw new InvalidOperationException($"Encoder cache room for image {image.ContentHash} vanished between plan and commit.");
            encoderInputs.Add(new EncoderInput(image.ContentHash, sequence.Id, i));
        }
        held.UnionWith(plan.ImageIndices.Select(i => sequence.Images[i].ContentHash));
    }

    /// <summary>Releases images the sequence has computed past (every occurrence, if an image repeats).</summary>
    public void ReleaseComputed(Sequence sequence)
    {
        if (!_held.TryGetValue(sequence.Id, out var held))
            return;
        var done = held.Where(hash => sequence.Images.Where(im => im.ContentHash == hash)
            .All(im => im.End <= sequence.NumComputedTokens)).ToList();
        foreach (var hash in done)
        {
            cache.Release(hash, sequence.Id);
            held.Remove(hash);
        }
        if (held.Count == 0)
            _held.Remove(sequence.Id);
    }

    public void ReleaseAll(Sequence sequence)
    {
        if (!_held.Remove(sequence.Id, out var held))
            return;
        foreach (var hash in held)
            cache.Release(hash, sequence.Id);
    }

    internal int NumHolding => _held.Count;

    private HashSet<string> GetHeld(long sequenceId)
    {
        if (!_held.TryGetValue(sequenceId, out var held))
            _held[sequenceId] = held = [];
        return held;
    }
}
