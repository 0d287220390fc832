using System.Diagnostics;
using System.Runtime.InteropServices;
using FlorenceVL.Engine.Constrained;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference.Sampling;

/// <summary>
/// Applies the step's constraints to its logits before any sampling processing (penalties, temperature, top-k/p),
/// as vLLM does: one packed int32 bitmask row per sampled sequence (free rows all ones), expanded to a bool mask
/// and applied with a single masked_fill over the batch, so constrained and free rows share one batch.
/// </summary>
internal static class ConstraintMasks
{
    // Detached: the first use may come inside a step's dispose scope, which would otherwise free it.
    private static readonly Tensor BitShifts = arange(32, dtype: ScalarType.Int32).view(1, 1, 32).DetachFromDisposeScope();

    /// <param name="logits">[rows, vocab], the step's own tensor (modified in place).</param>
    public static void Apply(Tensor logits, IReadOnlyList<ISequenceConstraint?> constraints, ConstraintStats stats)
    {
        if (constraints.All(c => c is null)) return;
        var watch = Stopwatch.StartNew();
        var vocab = (int)logits.shape[1];
        var words = (vocab + 31) / 32;
        var packed = new uint[constraints.Count * words];
        var anyRestricted = false;
        var numMasks = 0;
        for (var row = 0; row < constraints.Count; row++)
        {
            var span = packed.AsSpan(row * words, words);
            if (constraints[row] is { } constraint && constraint.FillMask(span))
            {
                anyRestricted = true;
                numMasks++;
            }
            else
            {
                span.Fill(uint.MaxValue);
            }
        }
        if (anyRestricted)
        {
            using var scope = NewDisposeScope();
            var bits = tensor(MemoryMarshal.Cast<uint, int>(packed).ToArray(), [constraints.Count, words, 1])
                .bitwise_right_shift(BitShifts).bitwise_and(1)
                .view(constraints.Count, words * 32).narrow(1, 0, vocab);
            logits.masked_fill_(bits.eq(0).to(logits.device), float.NegativeInfinity);
        }
        stats.AddMasks(numMasks, watch.ElapsedTicks);
    }
}
