using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "overhead": one <see cref="Inference.EngineCore.Step"/> with 32 sequences in decode (schedule, embed,
/// metadata, forward, logits, sampling, update) against the bare batched forward of the same shapes: embeddings,
/// <see cref="FlorenceVLModel.Forward"/>, logits and a host argmax with prebuilt <see cref="AttentionMetadata"/> and a
/// cache of its own. Engine and bare steps alternate at the same context length, so noise hits both alike.
/// </summary>
internal static class StepOverheadBenchmark
{
    private const int Batch = 32;
    private const int PromptTokens = 64;
    private const int WarmUpSteps = 40;
    private const int MeasuredSteps = 64;

    public static IReadOnlyList<BenchFigure> Run(BenchSettings settings)
    {
        var (engineTimes, bareTimes) = Measure(settings, Batch);
        var engine = BenchStats.Median(engineTimes);
        var forward = BenchStats.Median(bareTimes);
        var ratio = engine / forward;
        var pairRatio = BenchStats.Median(engineTimes.Zip(bareTimes, (e, b) => e / b));
        settings.Output.WriteLine($"  {MeasuredSteps} alternating steps after {WarmUpSteps} warm-up pairs, context {PromptTokens + WarmUpSteps + 1}..{PromptTokens + WarmUpSteps + MeasuredSteps}");
        settings.Output.WriteLine($"  engine step median {engine:F2} ms, bare forward median {forward:F2} ms, ratio of medians {ratio:F3}, median of pair ratios {pairRatio:F3}");
        var dtype = settings.DTypeName;
        return
        [
            new("overhead", $"engine decode step / bare forward at batch 32 (ratio of medians, {dtype})", ratio, "x", "<= 1.15", ratio <= 1.15),
            new("overhead", $"engine decode step at batch 32, median ({dtype})", engine, "ms"),
            new("overhead", $"bare batched forward + logits + argmax at batch 32, median ({dtype})", forward, "ms"),
        ];
    }

    /// <summary>Engine steps and bare forwards of <paramref name="batch"/> decoding sequences, alternating, after a warm-up.</summary>
    public static (List<double> Engine, List<double> Bare) Measure(BenchSettings settings, int batch)
    {
        using var rig = new EngineCoreRig(BenchPreset.Create(settings), BenchPreset.EngineOptions());
        using var loaded = rig.Loaded;
        var sequences = Enumerable.Range(0, batch)
            .Select(i => rig.Add(BenchRequests.TokenIds(PromptTokens, i), maxTokens: WarmUpSteps + MeasuredSteps + 8)).ToList();
        while (sequences.Any(s => s.NumCompletionTokens == 0)) rig.Step();   // prefill: every sequence now decodes

        var maxContext = PromptTokens + WarmUpSteps + MeasuredSteps + 8;
        using var bare = new BareForward(loaded.Model, batch, maxContext, rig.Cache.BlockSize);
        var engineTimes = new List<double>();
        var bareTimes = new List<double>();
        for (var step = 0; step < WarmUpSteps + MeasuredSteps; step++)
        {
            var context = sequences[0].NumTokens;
            if (sequences.Any(s => s.NumTokens != context || s.IsFinished))
                throw new InvalidOperationException($"the {batch} sequences fell out of lockstep.");
            var engineMs = rig.TimedStep();
            var bareMs = bare.TimedStep(context);
            if (step < WarmUpSteps) continue;
            engineTimes.Add(engineMs);
            bareTimes.Add(bareMs);
        }
        return (engineTimes, bareTimes);
    }

    /// <summary>The model alone: fixed token ids, per-sequence block tables in a cache of its own, metadata built untimed.</summary>
    private sealed class BareForward : IDisposable
    {
        private readonly FlorenceVLModel _model;
        private readonly PagedKvCache _cache;
        private readonly Tensor _ids;
        private readonly int _batch;
        private readonly int _blocksPerSequence;

        public BareForward(FlorenceVLModel model, int batch, int maxContext, int blockSize)
        {
            _model = model;
            _batch = batch;
            _blocksPerSequence = (maxContext + blockSize - 1) / blockSize;
            _cache = new PagedKvCache(model.Config.Text, model.Placement, batch * _blocksPerSequence, blockSize);
            _ids = tensor(BenchRequests.TokenIds(batch, seed: 99).Select(t => (long)t).ToArray(), device: model.Placement.Device);
        }

        public double TimedStep(int context)
        {
            using var metadata = Metadata(context);
            return BenchStats.Milliseconds(() =>
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var hidden = _model.Forward(_model.LanguageModel.EmbedTokens(_ids), metadata, _cache);
                var logits = _model.ComputeLogits(hidden);
                // The same greedy argmax the engine's sampler takes, so the ratio measures the engine's extra work.
                _ = HostArgmax.Supports(logits) ? HostArgmax.Rows(logits) : logits.argmax(-1).cpu().data<long>().ToArray();
            });
        }

        /// <summary>Each sequence decodes position context-1 into its own run of blocks.</summary>
        private AttentionMetadata Metadata(int context)
        {
            var position = context - 1;
            var blockSize = _cache.BlockSize;
            var slices = Enumerable.Range(0, _batch).Select(i => new SequenceSlice(i, 1, context,
                arange(i * _blocksPerSequence, (i + 1) * _blocksPerSequence, ScalarType.Int64, _model.Placement.Device))).ToList();
            var slots = Enumerable.Range(0, _batch).Select(i => (long)(i * _blocksPerSequence + position / blockSize) * blockSize + position % blockSize).ToArray();
            return new AttentionMetadata(full(_batch, (long)position, ScalarType.Int64, _model.Placement.Device),
                tensor(slots, device: _model.Placement.Device), slices);
        }

        public void Dispose()
        {
            _cache.Dispose();
            _ids.Dispose();
        }
    }
}
