using System.Text;
using System.Text.Json;
using FlorenceVL.Engine.Constrained;
using Json.Schema;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>
/// Random schemas, random sampling among the allowed tokens: every finished output must parse and satisfy its
/// schema according to JsonSchema.Net (an independent validator), and no mask may ever be empty.
/// </summary>
public sealed class ConstrainedPropertyTests
{
    // Short strings and shallow recursion keep random documents (which rarely choose to close a string) small.
    private static readonly GrammarLimits TestLimits = new() { MaxStringBytes = 6, MaxValueDepth = 8, MaxIntegerDigits = 4, MaxFractionDigits = 3 };

    [Theory]
    [InlineData("bytes", 1)]
    [InlineData("bpe-fixture", 2)]
    [InlineData("spm-fixture", 3)]
    [InlineData("florence-vl-shapes", 4)]
    public void Random_outputs_of_random_schemas_validate_against_the_schema(string vocabularyName, int seed)
    {
        var vocabulary = vocabularyName == "bytes"
            ? ConstrainedTestVocabularies.Bytes()
            : ConstrainedTestVocabularies.FromTokenizer(ConstrainedTestVocabularies.Tokenizer(vocabularyName));
        var random = new Random(seed);
        for (var i = 0; i < 100; i++)
        {
            var schemaText = RandomSchemas.Generate(random).ToJsonString();
            var grammar = CompiledGrammar.FromJsonSchema(schemaText, TestLimits);
            var output = ConstrainedDriver.SampleUntilEos(grammar.CreateMatcher(vocabulary), random, maxTokens: 4_000);
            AssertValid(schemaText, Encoding.UTF8.GetString(output));
        }
    }

    [Fact]
    public void Random_json_object_outputs_are_json_objects()
    {
        var vocabulary = ConstrainedTestVocabularies.FromTokenizer(ConstrainedTestVocabularies.Tokenizer("bpe-fixture"));
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var output = ConstrainedDriver.SampleUntilEos(CompiledGrammar.JsonObject(TestLimits).CreateMatcher(vocabulary), random, 4_000);
            using var document = JsonDocument.Parse(output);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    private static void AssertValid(string schemaText, string output)
    {
        using var document = JsonDocument.Parse(output);
        var result = JsonSchema.FromText(schemaText).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"Schema {schemaText}\nrejected output {output}");
    }
}
