using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Projector;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Parity;

/// <summary>
/// The whole pipeline on the reference's own pixel values: DaViT, image features, one encoder pass per task prompt,
/// DBFusion, projector, then per image the logits of pre_ids ++ visual ++ post_ids and a greedy continuation; and any
/// text-only decoder cases cases.json lists.
/// </summary>
internal static class FlorenceVLParity
{
    public static IReadOnlyList<ParityResult> Run(string directory, SafetensorsFile expected, ModelPlacement placement, double tolerance)
    {
        var (model, _) = FlorenceVLModelLoader.Load(directory, placement);
        using (model)
        {
            using var scope = NewDisposeScope();
            var results = new List<ParityResult>();
            var pixels = expected.Load("pixel_values");
            void Check(string name, Func<Tensor> compute)
            {
                if (expected.Entries.ContainsKey(name)) results.Add(ParityRunner.Compare(name, compute(), expected, tolerance));
            }
            var tower = model.VisionTower;
            Check("davit_nchw", () => tower.DaViTFeatures(pixels));
            var features = tower.ImageFeatures(pixels);
            Check("image_features_with_global", () => features);
            var encoded = new List<Tensor>();
            for (var t = 0; t < tower.NumPrompts; t++)
            {
                var state = tower.EncodeTask(features, t);
                encoded.Add(state);
                Check($"encoder.{model.Config.Vision.Prompts.Names[t]}", () => state);
            }
            var fused = DBFusion.Fuse(features, encoded);
            Check("fused", () => fused);
            var visual = model.Projector.forward(fused);
            Check("visual_embeds", () => visual);
            results.AddRange(Sequences(model, expected, visual, tolerance));
            // Text-only cases: a Florence-VL folder composed from a decoder fixture carries the decoder's own references.
            if (ParityRunner.ReadCases(directory)["cases"] is System.Text.Json.Nodes.JsonObject cases)
                results.AddRange(DecoderParity.Cases(model.LanguageModel, cases, expected, tolerance));
            return results;
        }
    }

    private static IEnumerable<ParityResult> Sequences(FlorenceVLModel model, SafetensorsFile expected, Tensor visual, double tolerance)
    {
        if (!expected.Entries.ContainsKey("prompt.pre_ids")) yield break;
        using var pre = expected.Load("prompt.pre_ids", ScalarType.Int64);
        using var post = expected.Load("prompt.post_ids", ScalarType.Int64);
        for (var b = 0; b < visual.shape[0]; b++)
        {
            var ids = cat([pre.reshape(-1), zeros(visual.shape[1], ScalarType.Int64), post.reshape(-1)], 0);
            var embeds = model.EmbedWithImages(ids, [((int)pre.numel(), visual[b])]);
            var newIds = $"image{b}.greedy_new_ids";
            var maxNew = expected.Entries.TryGetValue(newIds, out var entry) ? (int)entry.Shape[^1] : 0;
            using var decoder = new SingleSequenceDecoder(model.LanguageModel, (int)ids.shape[0] + maxNew + 1);
            var logits = decoder.Append(embeds);
            if (expected.Entries.ContainsKey($"image{b}.logits"))
                yield return ParityRunner.Compare($"image{b}.logits", logits, expected, tolerance);
            if (maxNew > 0)
                yield return ParityRunner.CompareIds(newIds, decoder.Greedy(logits[-1], maxNew), expected);
        }
    }
}
