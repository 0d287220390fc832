using System.Diagnostics;
using System.Text;
using System.Text.Json;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "constrained" (issue 17): aggregate completion tokens/s at 32 concurrent requests with every row free and
/// with every row constrained by a 10-property object schema, the two sides interleaved (alternating which goes first)
/// over the repeats. A constrained request cannot ignore EOS, so both sides are greedy with max_tokens 64 and EOS
/// honoured, and the rate counts the completion tokens actually generated. Also: the mask cost per token from the
/// runner's <see cref="ConstraintStats"/>, the schema's compile time (fresh compiles, no cache), the first mask on a
/// fresh vocabulary, and an offline split of the mask step into filling the rows and the tensor apply.
/// </summary>
internal static class ConstrainedBenchmark
{
    private const int PromptTokens = 64;
    private const int MaxTokens = 64;
    private const int Concurrency = 32;
    private const int CompileSamples = 21;
    private const int FreshVocabularySamples = 5;

    /// <summary>Ten required properties, no extras: enums, integers, numbers, a boolean, a nested object, an array of strings.</summary>
    internal const string Schema = """
        {
          "type": "object",
          "properties": {
            "category": { "type": "string", "enum": ["house", "car", "tree", "person", "dog", "river"] },
            "count": { "type": "integer" },
            "confidence": { "type": "number" },
            "outdoor": { "type": "boolean" },
            "color": { "type": "string", "enum": ["red", "green", "blue", "white", "black", "other"] },
            "box": {
              "type": "object",
              "properties": { "x": { "type": "integer" }, "y": { "type": "integer" }, "w": { "type": "number" } },
              "required": ["x", "y", "w"],
              "additionalProperties": false
            },
            "tags": { "type": "array", "items": { "type": "string" }, "maxItems": 3 },
            "light": { "type": "string", "enum": ["day", "night", "unknown"] },
            "people": { "type": "integer" },
            "caption": { "type": "string" }
          },
          "required": ["category", "count", "confidence", "outdoor", "color", "box", "tags", "light", "people", "caption"],
          "additionalProperties": false
        }
        """;

    private sealed record Completion(double FirstEventSeconds, int Tokens, FinishReason? Reason, string Text);

    private sealed record Side(List<double> Rates, List<double> DecodeRates, List<double> MeanLengths, List<Completion> Completions)
    {
        public Side() : this([], [], [], []) { }
    }

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(BenchSettings settings)
    {
        var output = settings.Output;
        var compileMs = CompileTimes();
        output.WriteLine($"  schema compile (fresh CompiledGrammar.FromJsonSchema, median of {CompileSamples}): {compileMs:F3} ms");

        using var engine = InferenceEngine.Start(BenchPreset.Create(settings), BenchPreset.EngineOptions());
        var loaded = engine.Loaded;
        var (vocabularyMs, firstMaskUs, cachedMaskUs) = FreshVocabulary(loaded);
        output.WriteLine($"  fresh vocabulary ({loaded.Tokenizer.VocabSize} pieces, {loaded.Config.Text.VocabSize} logits): build {vocabularyMs:F1} ms, " +
                         $"first mask of a fresh grammar {firstMaskUs:F0} us, same state again (mask cache) {cachedMaskUs:F1} us (medians of {FreshVocabularySamples})");

        var constraint = new OutputConstraint(new GrammarCache().GetOrCompile(Schema));
        var seed = 0;
        List<GenerationRequest> Requests(bool constrained, int maxTokens) => Enumerable.Range(0, Concurrency)
            .Select(_ => BenchRequests.Text(loaded, PromptTokens, maxTokens, ++seed) with
            {
                Sampling = new SamplingParams { Temperature = 0, MaxTokens = maxTokens },
                Output = constrained ? constraint : null,
            })
            .ToList();

        output.WriteLine($"  warm-up: {Concurrency} free requests x 16 tokens, then {Concurrency} constrained x 16 tokens");
        await RunConcurrentlyAsync(engine, Requests(false, 16));
        await RunConcurrentlyAsync(engine, Requests(true, 16));

        var stats = engine.Metrics.Constraints;
        var (masksBefore, ticksBefore) = (stats.NumMasks, stats.MaskTicks);
        long masks = 0, ticks = 0;
        var free = new Side();
        var constrainedSide = new Side();
        for (var round = 0; round < settings.Repeats; round++)
        {
            // Alternate which side goes first, so drift on the shared machine hits both alike.
            foreach (var constrained in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var (m0, t0) = (stats.NumMasks, stats.MaskTicks);
                var (completions, wall) = await RunConcurrentlyAsync(engine, Requests(constrained, MaxTokens));
                var (dm, dt) = (stats.NumMasks - m0, stats.MaskTicks - t0);
                var side = constrained ? constrainedSide : free;
                var tokens = completions.Sum(c => c.Tokens);
                var prefill = BenchStats.Median(completions.Select(c => c.FirstEventSeconds));
                side.Rates.Add(tokens / wall);
                side.DecodeRates.Add((tokens - completions.Count) / (wall - prefill));
                side.MeanLengths.Add(completions.Average(c => c.Tokens));
                side.Completions.AddRange(completions);
                if (constrained) (masks, ticks) = (masks + dm, ticks + dt);
                var maskNote = constrained ? $", {dm} masks, {(dm == 0 ? 0 : dt * 1e6 / Stopwatch.Frequency / dm):F1} us/mask" : "";
                output.WriteLine($"  round {round + 1}, {(constrained ? "constrained" : "free"),-11}: {tokens / wall,6:F1} tok/s, wall {wall:F2} s, " +
                                 $"{tokens} tokens (mean {side.MeanLengths[^1]:F1}, {completions.Count(c => c.Reason == FinishReason.Stop)} ended by EOS), " +
                                 $"decode after first token {side.DecodeRates[^1]:F1} tok/s{maskNote}");
            }
        }

        var ratio = BenchStats.Median(constrainedSide.Rates.Zip(free.Rates, (c, f) => c / f));
        var decodeRatio = BenchStats.Median(constrainedSide.DecodeRates.Zip(free.DecodeRates, (c, f) => c / f));
        var maskUs = masks == 0 ? 0 : ticks * 1e6 / Stopwatch.Frequency / masks;
        var stepMs = 1000.0 * Concurrency / BenchStats.Median(constrainedSide.DecodeRates);
        output.WriteLine($"  mask step over the timed constrained runs: {masks} masks, {maskUs:F1} us per masked token " +
                         $"(~{maskUs * Concurrency / 1000:F2} ms = {maskUs * Concurrency / 10 / stepMs:F1} % of a ~{stepMs:F0} ms batch-32 decode step); " +
                         $"since start: {stats.NumMasks} masks, empty masks {stats.EmptyMasks}, refused tokens {stats.RefusedTokens}");
        ReportDocuments(constrainedSide.Completions, output);

        var (fillUs, applyUs, replaySteps) = SplitMaskStep(loaded, constraint.Grammar, constrainedSide.Completions.Take(Concurrency).ToList(), settings.DType);
        output.WriteLine($"  mask step split (offline replay of {Concurrency} constrained outputs, {replaySteps} steps, warm mask cache): " +
                         $"filling rows {fillUs:F1} us per row, tensor apply {applyUs:F0} us per step ({applyUs / Concurrency:F1} us per row at {Concurrency} rows)");

        var dtype = settings.DTypeName;
        return
        [
            new("constrained", $"32 concurrent, constrained over free (completion tok/s, median of per-round ratios, {dtype})", ratio, "x", ">= 0.85 x", ratio >= 0.85),
            new("constrained", $"same, decode after the first token ({dtype})", decodeRatio, "x"),
            new("constrained", $"32 free: aggregate tok/s ({dtype})", BenchStats.Median(free.Rates), "tok/s"),
            new("constrained", $"32 constrained: aggregate tok/s ({dtype})", BenchStats.Median(constrainedSide.Rates), "tok/s"),
            new("constrained", $"mean completion length, free / constrained (max {MaxTokens})",
                BenchStats.Median(free.MeanLengths), $"/ {BenchStats.Median(constrainedSide.MeanLengths):F1} tokens"),
            new("constrained", "mask cost per masked token (ConstraintStats ticks / masks)", maskUs, "us"),
            new("constrained", "  of which filling the row (offline replay)", fillUs, "us"),
            new("constrained", $"  of which tensor apply, per row at {Concurrency} rows (offline replay)", applyUs / Concurrency, "us"),
            new("constrained", "schema compile, fresh (median)", compileMs * 1000, "us"),
            new("constrained", "first mask, fresh grammar on a fresh vocabulary (median)", firstMaskUs, "us"),
            new("constrained", "fresh vocabulary build (TokenVocabulary.FromTokenizer, median)", vocabularyMs, "ms"),
        ];
    }

    /// <summary>Median of fresh compiles (a few first ones discarded: they pay the JIT).</summary>
    private static double CompileTimes()
    {
        for (var i = 0; i < 3; i++) CompiledGrammar.FromJsonSchema(Schema);
        return BenchStats.Median(Enumerable.Range(0, CompileSamples).Select(_ => BenchStats.Milliseconds(() => CompiledGrammar.FromJsonSchema(Schema))));
    }

    /// <summary>A vocabulary built as <see cref="LoadedModel.ConstraintVocabulary"/> builds it, and the first (uncached) mask over it.</summary>
    private static (double BuildMs, double FirstMaskUs, double CachedMaskUs) FreshVocabulary(LoadedModel loaded)
    {
        var (build, first, cached) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i <= FreshVocabularySamples; i++)
        {
            TokenVocabulary vocabulary = null!;
            var buildMs = BenchStats.Milliseconds(() => vocabulary = TokenVocabulary.FromTokenizer(loaded.Tokenizer, loaded.Template.StopTokenIds, loaded.Config.Text.VocabSize));
            var grammar = CompiledGrammar.FromJsonSchema(Schema);
            var row = new uint[vocabulary.MaskWords];
            var firstMs = BenchStats.Milliseconds(() => grammar.CreateMatcher(vocabulary).FillMask(row));
            var cachedMs = BenchStats.Milliseconds(() => grammar.CreateMatcher(vocabulary).FillMask(row));
            if (i == 0) continue; // JIT
            build.Add(buildMs);
            first.Add(firstMs * 1000);
            cached.Add(cachedMs * 1000);
        }
        return (BenchStats.Median(build), BenchStats.Median(first), BenchStats.Median(cached));
    }

    /// <summary>
    /// Replays constrained outputs (re-tokenized) through matchers of the engine's grammar and vocabulary, 32 rows a step
    /// as the runner sees them: times the row fills alone, then <see cref="ConstraintMasks.Apply"/> with rows that are
    /// only copied (so that figure is the packing, bit expansion and masked_fill on [rows, vocab] logits).
    /// </summary>
    private static (double FillUsPerRow, double ApplyUsPerStep, int Steps) SplitMaskStep(
        LoadedModel loaded, CompiledGrammar grammar, IReadOnlyList<Completion> completions, ScalarType dtype)
    {
        var vocabulary = loaded.ConstraintVocabulary;
        var words = vocabulary.MaskWords;
        var rows = completions.Select(c => (Matcher: grammar.CreateMatcher(vocabulary), Ids: loaded.Tokenizer.EncodeContinuation(c.Text))).ToList();
        var live = rows.Select(_ => true).ToArray();
        var packed = new uint[rows.Count * words];
        var copied = rows.Select((_, r) => (ISequenceConstraint?)new CopiedRow(packed, r * words, words)).ToList();
        var stats = new ConstraintStats();
        var (fillTicks, fills, applyUs) = (0L, 0L, new List<double>());
        using var noGrad = no_grad();
        for (var step = 0; ; step++)
        {
            var active = Enumerable.Range(0, rows.Count).Where(r => live[r] && step < rows[r].Ids.Count).ToList();
            if (active.Count < rows.Count / 2)
                return (fills == 0 ? 0 : fillTicks * 1e6 / Stopwatch.Frequency / fills, applyUs.Count == 0 ? 0 : BenchStats.Median(applyUs), step);
            var start = Stopwatch.GetTimestamp();
            foreach (var r in active) rows[r].Matcher.FillMask(packed.AsSpan(r * words, words));
            fillTicks += Stopwatch.GetTimestamp() - start;
            fills += active.Count;
            // The runner's logits are this step's own [rows, vocab] tensor in the model dtype; rows past the active ones stay free.
            using (var logits = zeros(rows.Count, loaded.Config.Text.VocabSize, dtype: dtype))
            {
                var constraints = copied.Select((c, r) => active.Contains(r) ? c : null).ToList();
                applyUs.Add(BenchStats.Milliseconds(() => ConstraintMasks.Apply(logits, constraints, stats)) * 1000);
            }
            foreach (var r in active)
                if (!rows[r].Matcher.Accept(rows[r].Ids[step])) live[r] = false; // re-tokenized text need not match the grammar's path
        }
    }

    private static void ReportDocuments(IReadOnlyList<Completion> completions, TextWriter output)
    {
        var ended = completions.Where(c => c.Reason == FinishReason.Stop).ToList();
        var valid = ended.Count(c => IsJsonObject(c.Text));
        output.WriteLine($"  constrained outputs: {ended.Count}/{completions.Count} ended by EOS ({valid} of them parse as JSON objects), " +
                         $"{completions.Count(c => c.Reason == FinishReason.Length)} cut at max_tokens");
        var sample = ended.FirstOrDefault() ?? completions[0];
        output.WriteLine($"  sample ({sample.Tokens} tokens, {sample.Reason}): {Escape(sample.Text)}");
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Escape(string text)
    {
        var clipped = text.Length > 300 ? text[..300] + "..." : text;
        var builder = new StringBuilder();
        foreach (var ch in clipped) builder.Append(char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString());
        return builder.ToString();
    }

    private static async Task<(IReadOnlyList<Completion> Completions, double WallSeconds)> RunConcurrentlyAsync(
        IInferenceEngine engine, IReadOnlyList<GenerationRequest> requests)
    {
        var start = Stopwatch.GetTimestamp();
        var completions = await Task.WhenAll(requests.Select(r => Task.Run(() => RunAsync(engine, r))));
        return (completions, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>Like <see cref="FacadeClient.RunAsync"/>, keeping the text and the finish reason.</summary>
    private static async Task<Completion> RunAsync(IInferenceEngine engine, GenerationRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        double? firstEvent = null;
        var text = new StringBuilder();
        var (tokens, reason) = (0, (FinishReason?)null);
        await using var generation = await engine.StartAsync(request, CancellationToken.None);
        await foreach (var e in generation.ReadAllAsync(CancellationToken.None))
        {
            firstEvent ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (e is TextDelta delta) text.Append(delta.Text);
            if (e is ChoiceFinished finished) (tokens, reason) = (finished.NumCompletionTokens, finished.Reason);
        }
        return new Completion(firstEvent ?? Stopwatch.GetElapsedTime(start).TotalSeconds, tokens, reason, text.ToString());
    }

    /// <summary>A constraint whose row was filled beforehand: Apply then costs only the copy and the tensor work.</summary>
    private sealed class CopiedRow(uint[] packed, int offset, int words) : ISequenceConstraint
    {
        public bool FillMask(Span<uint> row)
        {
            packed.AsSpan(offset, words).CopyTo(row);
            return true;
        }

        public void Accept(int tokenId) { }
    }
}
