using System.Text.Json.Nodes;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Parity;

/// <summary>A plain Phi-3 or Llama checkpoint: logits per case of cases.json and the greedy continuation.</summary>
internal static class DecoderParity
{
    public static IReadOnlyList<ParityResult> Run(string directory, SafetensorsFile expected, ModelPlacement placement, double tolerance)
    {
        var config = FlorenceVLConfig.TextOnlyFromModelDirectory(directory);
        using var model = new CausalLM(config, placement);
        using (var checkpoint = SafetensorsCheckpoint.Open(directory))
            CheckpointLoader.Load(model, [new(checkpoint, WeightLayouts.PlainDecoder(config.Kind == DecoderKind.Llama))], model.TiedParameters());
        var cases = ParityRunner.ReadCases(directory)["cases"] as JsonObject ?? throw new CheckpointException($"{directory}/cases.json has no 'cases'.");
        return Cases(model, cases, expected, tolerance);
    }

    /// <summary>Text-only cases (logits of given ids, greedy continuations) on a decoder, as cases.json lists them.</summary>
    public static IReadOnlyList<ParityResult> Cases(CausalLM model, JsonObject cases, SafetensorsFile expected, double tolerance)
    {
        var results = new List<ParityResult>();
        foreach (var (name, node) in cases)
        {
            var spec = (JsonObject)node!;
            if (spec["logits"] is { } logitsName)
                results.Add(LogitsCase(model, expected, spec["input_ids"]!.GetValue<string>(), logitsName.GetValue<string>(), tolerance));
            if (spec["new_ids"] is { } newIds)
                results.Add(GreedyCase(model, expected, spec["prompt"]!.GetValue<string>(), newIds.GetValue<string>(), spec["max_new_tokens"]!.GetValue<int>()));
        }
        return results;
    }

    private static ParityResult LogitsCase(CausalLM model, SafetensorsFile expected, string idsName, string logitsName, double tolerance)
    {
        using var scope = NewDisposeScope();
        var ids = expected.Load(idsName, ScalarType.Int64).reshape(-1);
        return ParityRunner.Compare(logitsName, model.FullForwardLogits(ids), expected, tolerance);
    }

    private static ParityResult GreedyCase(CausalLM model, SafetensorsFile expected, string promptName, string newIdsName, int maxNewTokens)
    {
        using var scope = NewDisposeScope();
        var ids = expected.Load(promptName, ScalarType.Int64).reshape(-1);
        using var decoder = new SingleSequenceDecoder(model, (int)ids.shape[0] + maxNewTokens + 1);
        var logits = decoder.Append(model.EmbedTokens(ids));
        return ParityRunner.CompareIds(newIdsName, decoder.Greedy(logits[-1], maxNewTokens), expected);
    }
}
