using System.Diagnostics;
using FlorenceVL.Engine.Constrained;
using Xunit.Abstractions;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>
/// Micro-benchmark, not a timed test: reports microseconds per mask (inside a string and between keys, where the
/// mask differs most) and compile time of a 10-property schema. Only asserts that masks allow something.
/// Run: dotnet test ... --filter FullyQualifiedName~ConstrainedMaskBenchmark --logger "console;verbosity=detailed"
/// </summary>
public sealed class ConstrainedMaskBenchmark(ITestOutputHelper output)
{
    private static readonly string TenProperties =
        "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[" + string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"field{i}\""))
        + "],\"properties\":{" + string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"field{i}\":" + (i % 3) switch
        {
            0 => "{\"type\":\"string\"}",
            1 => "{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}",
            _ => "{\"enum\":[\"x\",\"y\",null]}",
        })) + "}}";

    [Theory]
    [InlineData("florence-vl-shapes")]
    [InlineData("bpe-fixture")]
    [InlineData("spm-fixture")]
    public void Reports_microseconds_per_mask(string tokenizerName)
    {
        var vocabulary = ConstrainedTestVocabularies.FromTokenizer(ConstrainedTestVocabularies.Tokenizer(tokenizerName));
        var compile = Median(20, () => CompiledGrammar.FromJsonSchema(TenProperties));
        var grammar = CompiledGrammar.FromJsonSchema(TenProperties);
        foreach (var (label, prefix) in new[] { ("between keys", "{\"field0\":\"ab\","), ("inside a string", "{\"field0\":\"ab") })
        {
            var matcher = grammar.CreateMatcher(vocabulary);
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(prefix))
                Assert.True(matcher.Accept(Enumerable.Range(0, vocabulary.VocabSize).First(id => vocabulary.TextBytes(id).SequenceEqual(new[] { b }))));
            var row = new uint[vocabulary.MaskWords];
            var perMask = Median(200, () => matcher.FillMask(row));
            Assert.NotEmpty(ConstrainedDriver.AllowedIds(row));
            output.WriteLine($"{tokenizerName} (vocab {vocabulary.VocabSize}, trie {vocabulary.Trie.NumNodes} nodes) {label}: {perMask:F1} us/mask median; allowed {ConstrainedDriver.AllowedIds(row).Length}");
        }
        output.WriteLine($"compile 10-property schema: {compile:F1} us median");
    }

    private static double Median(int runs, Action action)
    {
        for (var i = 0; i < 20; i++) action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
