using System.Text;
using System.Text.Json;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Tests.Serving;
using Json.Schema;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>
/// Constrained decoding through the real engine (scheduler, runner, sampler) with the tiny random-weight model at
/// temperature 1, so the model wanders wherever the masks let it: every finished constrained choice must validate
/// against its schema (JsonSchema.Net, an independent validator), free requests must not notice their constrained
/// neighbours, and the grammar-fault counters must stay 0 through batching, n &gt; 1, logprobs, preemption and
/// prefix hits.
/// </summary>
public sealed class ConstrainedEngineTests : IClassFixture<ConstrainedEngineTests.SharedEngine>
{
    public sealed class SharedEngine : IDisposable
    {
        public InferenceEngine Engine { get; } = InferenceEngine.Start(TestModel.Options());
        public void Dispose() => Engine.Dispose();
    }

    private readonly InferenceEngine _engine;
    public ConstrainedEngineTests(SharedEngine shared) => _engine = shared.Engine;

    // Short strings and numbers: a wandering model closes a value within a few tokens, so documents end within max_tokens.
    private static readonly GrammarLimits Limits = new() { MaxStringBytes = 4, MaxIntegerDigits = 3, MaxFractionDigits = 2, MaxExponentDigits = 1, MaxValueDepth = 4 };

    private const int MaxTokens = 48;

    public static readonly string[] Schemas =
    [
        """{"type":"object","properties":{"ok":{"type":"boolean"},"n":{"type":"integer"},"tag":{"enum":["red","blue",3,null]}},"required":["ok","n","tag"],"additionalProperties":false}""",
        """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":3}""",
        """{"anyOf":[{"type":"null"},{"type":"object","properties":{"s":{"type":"string"}},"required":["s"],"additionalProperties":false}]}""",
        """{"enum":["yes","no",1,true,{"a":[1,2]}]}""",
        """{"type":"object","properties":{"x":{"type":"number"},"y":{"type":["string","null"]}},"required":["x"],"additionalProperties":false}""",
        """{"type":"object","properties":{"items":{"type":"array","items":{"enum":["a","b"]},"maxItems":2},"flag":{"const":"on"}},"required":["items","flag"],"additionalProperties":false}""",
    ];

    private static CompiledGrammar Compile(string schema) => CompiledGrammar.FromJsonSchema(schema, Limits);

    private static SamplingParams Wandering(long seed, int n = 1) => new() { Temperature = 1f, MaxTokens = MaxTokens, Seed = seed, N = n };

    private static GenerationRequest Constrained(string question, CompiledGrammar grammar, SamplingParams sampling, OutputTrigger? trigger = null,
        IReadOnlyList<byte[]>? images = null) =>
        EngineDriver.Request(question, images ?? [], sampling) with { Output = new OutputConstraint(grammar, trigger) };

    private static GenerationRequest Free(int i) =>
        EngineDriver.Request($"Free question {i}?", [], new SamplingParams { Temperature = 1f, MaxTokens = 12 + i % 5, Seed = 500 + i, IgnoreEos = true });

    [Fact]
    public async Task A_batch_of_constrained_and_free_requests_gives_valid_documents_and_leaves_the_free_ones_as_they_were_alone()
    {
        var free = Enumerable.Range(0, 4).Select(Free).ToList();
        var alone = new List<string>();
        foreach (var request in free) alone.Add((await EngineDriver.RunAsync(_engine, request)).Texts[0]);

        var constrained = Schemas.Select((schema, i) => (Schema: schema, Request: Constrained($"Answer in JSON {i}", Compile(schema), Wandering(seed: 40 + i, n: 2)))).ToList();
        var freeTasks = free.Select(r => EngineDriver.RunAsync(_engine, r)).ToList();
        var constrainedTasks = constrained.Select(c => EngineDriver.RunAsync(_engine, c.Request)).ToList();
        var together = await Task.WhenAll(freeTasks);
        var documents = await Task.WhenAll(constrainedTasks);

        Assert.Equal(alone, together.Select(r => r.Texts[0]).ToList());
        var stopped = 0;
        for (var i = 0; i < constrained.Count; i++) stopped += AssertChoicesFollow(constrained[i].Schema, documents[i]);
        Assert.True(4 * stopped >= 3 * 2 * constrained.Count, $"only {stopped} of {2 * constrained.Count} constrained choices ended their document within {MaxTokens} tokens");
        AssertNoGrammarFaults(_engine);
    }

    [Fact]
    public async Task N_choices_of_one_schema_are_each_valid_and_not_all_the_same()
    {
        var schema = Schemas[0];
        var result = await EngineDriver.RunAsync(_engine, Constrained("Give me JSON", Compile(schema), Wandering(seed: 7, n: 6)));

        Assert.Equal(6, AssertChoicesFollow(schema, result));
        Assert.True(result.Texts.Distinct().Count() > 1, $"six sampled choices should not all be equal: {result.Texts[0]}");
        AssertNoGrammarFaults(_engine);
    }

    [Fact]
    public async Task Logprobs_of_constrained_tokens_are_finite_and_list_no_forbidden_alternatives()
    {
        var schema = Schemas[2];
        var sampling = Wandering(seed: 11, n: 3) with { Logprobs = true, TopLogprobs = 5 };
        var result = await EngineDriver.RunAsync(_engine, Constrained("JSON with logprobs", Compile(schema), sampling));

        AssertChoicesFollow(schema, result);
        var logprobs = result.Deltas.SelectMany(d => d.Logprobs ?? []).ToList();
        Assert.NotEmpty(logprobs);
        Assert.All(logprobs, lp =>
        {
            Assert.True(float.IsFinite(lp.Logprob) && lp.Logprob <= 0, $"sampled token '{lp.Token}' has logprob {lp.Logprob}");
            Assert.InRange(lp.TopLogprobs.Count, 1, 5);
            Assert.All(lp.TopLogprobs, top => Assert.True(float.IsFinite(top.Logprob), $"alternative '{top.Token}' has logprob {top.Logprob}"));
            // The sampled token was allowed, so it is at most as likely as the best allowed alternative.
            Assert.True(lp.Logprob <= lp.TopLogprobs[0].Logprob + 1e-4f);
        });
        // Where the grammar allows fewer than five tokens, the forbidden ones are not listed as alternatives.
        Assert.Contains(logprobs, lp => lp.TopLogprobs.Count < 5);
    }

    [Fact]
    public async Task Preempted_and_recomputed_constrained_sequences_still_validate()
    {
        // 16 KiB per 16-token block for this model: 20 blocks cannot hold the free long runs beside the constrained ones.
        using var engine = InferenceEngine.Start(TestModel.Options(o => o with { KvCacheBytes = 20 * 16 * 1024L, BlockSize = 16 }));
        var requests = new List<(string? Schema, GenerationRequest Request)>();
        for (var i = 0; i < 8; i++)
        {
            // Free runs that fill the cache; their prompts differ, so nothing is shared.
            requests.Add((null, EngineDriver.Request($"Long free story number {i}, please go on", [],
                new SamplingParams { Temperature = 1f, MaxTokens = 60, Seed = 900 + i, IgnoreEos = true })));
            var schema = Schemas[i % Schemas.Length];
            requests.Add((schema, Constrained($"Constrained under pressure {i}", Compile(schema), Wandering(seed: 300 + i, n: 2))));
        }
        // Every request is queued before the engine could finish any, so the running set outgrows the cache.
        var generations = new List<Task<Completion>>();
        foreach (var (_, request) in requests) generations.Add(EngineDriver.RunAsync(engine, request));
        var results = await Task.WhenAll(generations);

        Assert.True(engine.Metrics.Scheduler.NumPreemptions > 0, "expected the small KV budget to force preemption");
        for (var i = 0; i < requests.Count; i++)
            if (requests[i].Schema is { } schema) AssertChoicesFollow(schema, results[i]);
        AssertNoGrammarFaults(engine);
        await EngineDriver.EventuallyAsync(() => engine.Metrics.Scheduler.NumUsedBlocks == 0, "every KV block is free afterwards");
    }

    [Fact]
    public async Task A_repeated_constrained_request_reuses_cached_prompt_tokens()
    {
        var schema = Schemas[1];
        var request = Constrained("Prefix cache with a schema", Compile(schema), Wandering(seed: 5), images: [TestModel.Png(21)]);
        var cold = await EngineDriver.RunAsync(_engine, request);
        var warm = await EngineDriver.RunAsync(_engine, request);

        Assert.Equal(0, cold.CachedTokens);
        Assert.True(warm.CachedTokens >= _engine.Model.NumVisualTokensPerImage, $"cached {warm.CachedTokens} tokens");
        // The grammar state is the sequence's own, not the cache's: the same seed gives the same document.
        Assert.Equal(cold.Texts, warm.Texts);
        AssertChoicesFollow(schema, cold);
        AssertNoGrammarFaults(_engine);
    }

    private const string CallSchema =
        """{"type":"array","items":{"anyOf":[{"type":"object","properties":{"name":{"const":"get_time"},"arguments":{"type":"object","properties":{},"required":[],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false},{"type":"object","properties":{"name":{"const":"add"},"arguments":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false}]},"minItems":1,"maxItems":1}""";

    [Fact]
    public async Task With_an_auto_trigger_an_answer_is_either_free_text_or_a_complete_valid_call()
    {
        var grammar = Compile(CallSchema);
        var trigger = new OutputTrigger((byte)'[', null);
        // The model opens a call only by chance ('[' is one token of 1,024): find choices whose first token is '['
        // (without a constraint, the first step's distribution is the same, since "auto" allows every first token).
        using var searchEngine = InferenceEngine.Start(TestModel.Options(o => o with { MaxNumSeqs = 128 }));
        var opening = new List<(long Seed, int Choice)>();
        for (var seed = 1; seed <= 24 && opening.Count < 2; seed++)
        {
            var probe = await EngineDriver.RunAsync(searchEngine, EngineDriver.Request("Call a tool or answer", [],
                new SamplingParams { Temperature = 1f, MaxTokens = 1, Seed = seed, N = 128, Logprobs = true }));
            var firsts = probe.Deltas.Where(d => d.Logprobs is { Count: > 0 }).GroupBy(d => d.ChoiceIndex).ToDictionary(g => g.Key, g => g.First().Logprobs![0].Bytes);
            opening.AddRange(firsts.Where(f => Encoding.UTF8.GetString(f.Value).TrimStart().StartsWith('[')).Select(f => ((long)seed, f.Key)));
        }
        Assert.True(opening.Count > 0, "no sampled choice opened a call: the search found nothing to check");

        var checkedCalls = 0;
        foreach (var (seed, choice) in opening)
        {
            var sampling = Wandering(seed, n: choice + 1);
            var result = await EngineDriver.RunAsync(searchEngine, Constrained("Call a tool or answer", grammar, sampling, trigger));
            for (var c = 0; c < result.Texts.Count; c++)
            {
                var text = result.Texts[c];
                if (!text.TrimStart().StartsWith('[')) continue;
                checkedCalls++;
                Assert.True(FollowsAsPrefix(grammar, text), $"choice {c} opened a call the grammar refuses: {text}");
                if (result.Reasons[c] == FinishReason.Stop) AssertValid(CallSchema, text);
            }
            Assert.StartsWith("[", result.Texts[choice].TrimStart());
        }
        Assert.True(checkedCalls >= opening.Count);
        AssertNoGrammarFaults(searchEngine);

        // And the common case: most auto answers are free text, untouched after their first token.
        var answers = await EngineDriver.RunAsync(_engine, Constrained("Answer or call", grammar, Wandering(seed: 77, n: 8), trigger));
        for (var c = 0; c < answers.Texts.Count; c++)
        {
            var text = answers.Texts[c];
            if (text.TrimStart().StartsWith('[')) Assert.True(answers.Reasons[c] != FinishReason.Stop || IsValid(CallSchema, text), text);
        }
        AssertNoGrammarFaults(_engine);
    }

    /// <summary>
    /// Every choice's text is a prefix the grammar accepts (checked byte by byte by a fresh matcher); those that
    /// finished with stop are complete documents that JsonSchema.Net validates. Returns how many finished with stop.
    /// </summary>
    private static int AssertChoicesFollow(string schema, Completion result)
    {
        var grammar = Compile(schema);
        var stopped = 0;
        for (var c = 0; c < result.Texts.Count; c++)
        {
            var text = result.Texts[c];
            Assert.True(result.Reasons[c] is FinishReason.Stop or FinishReason.Length, $"choice {c} ended with {result.Reasons[c]}");
            if (result.Reasons[c] == FinishReason.Length)
            {
                // A cut may leave a character incomplete; the grammar itself never produces U+FFFD.
                if (!text.Contains('\uFFFD')) Assert.True(FollowsAsPrefix(grammar, text), $"Schema {schema}\nrefused prefix {text}");
                continue;
            }
            stopped++;
            var matcher = grammar.CreateMatcher(ConstrainedTestVocabularies.Bytes());
            Assert.True(ConstrainedDriver.AcceptText(matcher, text) && matcher.IsAccepting, $"Schema {schema}\ngrammar refuses output {text}");
            AssertValid(schema, text);
        }
        return stopped;
    }

    /// <summary>Leading whitespace aside (an "auto" answer may start with any, JSON allows it), the grammar accepts the text so far.</summary>
    private static bool FollowsAsPrefix(CompiledGrammar grammar, string text) =>
        ConstrainedDriver.AcceptText(grammar.CreateMatcher(ConstrainedTestVocabularies.Bytes()), text.TrimStart());

    private static bool IsValid(string schema, string output)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            return JsonSchema.FromText(schema).Evaluate(document.RootElement).IsValid;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AssertValid(string schema, string output) =>
        Assert.True(IsValid(schema, output), $"Schema {schema}\nrejected output '{output}'");

    private static void AssertNoGrammarFaults(InferenceEngine engine)
    {
        var stats = engine.Metrics.Constraints;
        Assert.True(stats.NumMasks > 0, "no constraint mask was ever applied");
        Assert.Equal(0, stats.EmptyMasks);
        Assert.Equal(0, stats.RefusedTokens);
    }
}
