using System.Text;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using Json.Schema;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>
/// tool_choice "auto" at the constraint level, where the first steps can be steered: a call may open after leading
/// whitespace or with a trigger token, and whatever opens it, the call that follows is constrained.
/// </summary>
public sealed class ConstrainedTriggerTests
{
    private const string CallSchema =
        """{"type":"array","items":{"type":"object","properties":{"name":{"enum":["f","g"]},"arguments":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}},"required":["name","arguments"],"additionalProperties":false},"minItems":1,"maxItems":2}""";

    private static readonly GrammarLimits Limits = new() { MaxStringBytes = 4, MaxIntegerDigits = 3, MaxFractionDigits = 2, MaxValueDepth = 4 };

    private const int PythonTag = 257;

    /// <summary>The byte vocabulary plus one control token (Llama's &lt;|python_tag|&gt;) and a few whitespace tokens.</summary>
    private static TokenVocabulary BytesWithTrigger()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => (byte[]?)[(byte)b]).ToList();
        tokens.Add(null); // 256: EOS
        tokens.Add(null); // 257: the trigger token
        tokens.AddRange(((string[])["  ", "\n", " \n ", " [", "\n[", "[{\"", "\":"]).Select(t => (byte[]?)Encoding.UTF8.GetBytes(t)));
        return new TokenVocabulary(tokens, [ConstrainedTestVocabularies.ByteEos]);
    }

    private static bool Allows(uint[] row, int id) => (row[id >> 5] & (1u << (id & 31))) != 0;

    private static int Id(TokenVocabulary vocabulary, string text) =>
        Enumerable.Range(0, vocabulary.VocabSize).First(id => vocabulary.IsTextToken(id) && vocabulary.TextBytes(id).SequenceEqual(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData(" ")]
    [InlineData("  ")]
    [InlineData("\n")]
    [InlineData(" \n ")]
    public void A_call_opened_after_leading_whitespace_is_still_constrained(string whitespace)
    {
        var vocabulary = BytesWithTrigger();
        var stats = new ConstraintStats();
        var constraint = new OutputConstraint(CompiledGrammar.FromJsonSchema(CallSchema, Limits), new OutputTrigger((byte)'[', null)).CreateFor(vocabulary, stats);
        var row = new uint[vocabulary.MaskWords];

        Assert.True(constraint.FillMask(row));
        var space = Id(vocabulary, whitespace);
        Assert.True(Allows(row, space));
        constraint.Accept(space);

        // Still undecided: free text and a call are both possible, and a call is still the grammar's.
        Assert.True(constraint.FillMask(row));
        Assert.True(Allows(row, 'x'));
        Assert.True(Allows(row, '['));
        constraint.Accept('[');

        Assert.True(constraint.FillMask(row), "after '[' the call grammar must restrict the output");
        Assert.True(Allows(row, '{'));
        Assert.False(Allows(row, 'x'));
        Assert.False(Allows(row, ']'), "minItems 1: an empty call array is not a call");
        Assert.Equal(0, stats.RefusedTokens);
    }

    [Fact]
    public void Whitespace_tokens_that_open_a_call_are_allowed_only_where_the_grammar_allows_them()
    {
        var vocabulary = BytesWithTrigger();
        var constraint = new OutputConstraint(CompiledGrammar.FromJsonSchema(CallSchema, Limits), new OutputTrigger((byte)'[', null)).CreateFor(vocabulary, new ConstraintStats());
        var row = new uint[vocabulary.MaskWords];
        constraint.FillMask(row);

        Assert.True(Allows(row, Id(vocabulary, " [")));   // one space before the document: the grammar's own
        Assert.True(Allows(row, Id(vocabulary, "[{\"")));
        Assert.False(Allows(row, Id(vocabulary, "\n["))); // opens a call the grammar does not spell that way
    }

    [Fact]
    public void The_trigger_token_can_be_sampled_first_and_then_the_grammar_holds()
    {
        var vocabulary = BytesWithTrigger();
        var stats = new ConstraintStats();
        const string objectCall = """{"type":"object","properties":{"name":{"const":"f"},"parameters":{"type":"object","properties":{},"required":[],"additionalProperties":false}},"required":["name","parameters"],"additionalProperties":false}""";
        var constraint = new OutputConstraint(CompiledGrammar.FromJsonSchema(objectCall, Limits), new OutputTrigger((byte)'{', PythonTag)).CreateFor(vocabulary, stats);
        var row = new uint[vocabulary.MaskWords];

        Assert.True(constraint.FillMask(row));
        Assert.True(Allows(row, PythonTag), "the trigger token must be sampleable at the first step");
        Assert.True(Allows(row, 'H'));
        constraint.Accept(PythonTag);

        Assert.True(constraint.FillMask(row));
        Assert.True(Allows(row, '{'));
        Assert.False(Allows(row, 'H'));
        Assert.False(Allows(row, PythonTag));
        Assert.Equal(0, stats.RefusedTokens);
    }

    [Fact]
    public void Free_text_stays_free_after_its_first_token()
    {
        var vocabulary = BytesWithTrigger();
        var constraint = new OutputConstraint(CompiledGrammar.FromJsonSchema(CallSchema, Limits), new OutputTrigger((byte)'[', null)).CreateFor(vocabulary, new ConstraintStats());
        var row = new uint[vocabulary.MaskWords];
        constraint.FillMask(row);
        constraint.Accept(' ');
        constraint.FillMask(row);
        constraint.Accept('H');

        Assert.False(constraint.FillMask(row), "free text is not restricted");
        constraint.Accept('[');
        Assert.False(constraint.FillMask(row), "a '[' inside free text opens nothing");
    }

    /// <summary>
    /// Random walks through the masks of a real vocabulary, leaning towards whitespace and '[' so calls open often:
    /// an output either does not start with '[' after its leading whitespace, or is a prefix of a valid call (a
    /// complete, schema-valid one when it ended with EOS).
    /// </summary>
    [Theory]
    [InlineData("bytes", 1)]
    [InlineData("spm-fixture", 2)]
    [InlineData("bpe-fixture", 3)]
    public void Random_auto_answers_are_free_text_or_valid_calls(string vocabularyName, int seed)
    {
        var vocabulary = vocabularyName == "bytes" ? BytesWithTrigger() : ConstrainedTestVocabularies.FromTokenizer(ConstrainedTestVocabularies.Tokenizer(vocabularyName));
        var grammar = CompiledGrammar.FromJsonSchema(CallSchema, Limits);
        var whitespace = Enumerable.Range(0, vocabulary.VocabSize).Where(id => vocabulary.IsTextToken(id) && vocabulary.TextBytes(id).ToArray().All(b => b is (byte)' ' or (byte)'\n')).ToArray();
        var random = new Random(seed);
        var stats = new ConstraintStats();
        var calls = 0;
        for (var run = 0; run < 60; run++)
        {
            var constraint = new OutputConstraint(grammar, new OutputTrigger((byte)'[', null)).CreateFor(vocabulary, stats);
            var text = new List<byte>();
            var ended = false;
            for (var step = 0; step < 200 && !ended; step++)
            {
                var row = new uint[vocabulary.MaskWords];
                var allowed = constraint.FillMask(row)
                    ? ConstrainedDriver.AllowedIds(row).Where(id => id < vocabulary.VocabSize).ToArray()
                    : Enumerable.Range(0, vocabulary.VocabSize).ToArray();
                Assert.NotEmpty(allowed);
                var token = Pick(random, allowed, whitespace, vocabulary, step);
                constraint.Accept(token);
                if (vocabulary.EosIds.Contains(token)) ended = true;
                else text.AddRange(vocabulary.TextBytes(token).ToArray());
                var sofar = Encoding.UTF8.GetString(text.ToArray()).TrimStart();
                if (!ended && sofar.Length > 0 && sofar[0] != '[') break; // free text: nothing more to check
            }
            var output = Encoding.UTF8.GetString(text.ToArray()).TrimStart(' ', '\n', '\t', '\r');
            if (!output.StartsWith('[')) continue;
            calls++;
            var matcher = grammar.CreateMatcher(ConstrainedTestVocabularies.Bytes());
            Assert.True(ConstrainedDriver.AcceptText(matcher, output), $"an unconstrained call: '{output}'");
            if (!ended) continue;
            Assert.True(matcher.IsAccepting, $"ended before the call was complete: '{output}'");
            using var document = System.Text.Json.JsonDocument.Parse(output);
            Assert.True(JsonSchema.FromText(CallSchema).Evaluate(document.RootElement).IsValid, output);
        }
        Assert.True(calls >= 10, $"only {calls} of 60 walks opened a call");
        Assert.Equal(0, stats.RefusedTokens);
        Assert.Equal(0, stats.EmptyMasks);
    }

    private static int Pick(Random random, int[] allowed, int[] whitespace, TokenVocabulary vocabulary, int step)
    {
        if (step < 3)
        {
            var roll = random.Next(4);
            var spaces = whitespace.Where(allowed.Contains).ToArray();
            if (roll == 0 && spaces.Length > 0) return spaces[random.Next(spaces.Length)];
            var opening = allowed.Where(id => vocabulary.IsTextToken(id) && vocabulary.TextBytes(id).ToArray().SkipWhile(b => b is (byte)' ' or (byte)'\n').FirstOrDefault() == (byte)'[').ToArray();
            if (roll == 1 && opening.Length > 0) return opening[random.Next(opening.Length)];
        }
        // Lean towards EOS once allowed, or random calls would rarely end.
        var eos = allowed.FirstOrDefault(vocabulary.EosIds.Contains, -1);
        return eos >= 0 && random.Next(3) == 0 ? eos : allowed[random.Next(allowed.Length)];
    }
}
