using System.Text.RegularExpressions;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Tests.Weights;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// The vision tower may ship in its own folder, in the original Florence-2 names or the transformers-native ones
/// (with image_projection transposed). The fixture's tower, rewritten into each layout, must load and reproduce the
/// reference visual embeddings exactly as the released single-file layout does.
/// </summary>
public class TowerLayoutLoadingTests
{
    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "florence-vl-tiny");

    private static readonly (string Pattern, string Replacement)[] NativeNames =
    [
        (@"^vision_tower\.davit\.convs\.(\d+)\.proj\.", "model.vision_tower.convs.$1.conv."),
        (@"^vision_tower\.davit\.", "model.vision_tower."),
        (@"\.(conv1|conv2)\.fn\.dw\.", ".$1."),
        (@"\.window_attn\.norm\.", ".norm1."),
        (@"\.channel_attn\.norm\.", ".norm1."),
        (@"\.(window_attn|channel_attn)\.fn\.", ".$1."),
        (@"\.ffn\.norm\.", ".norm2."),
        (@"\.ffn\.fn\.net\.", ".ffn."),
        (@"^vision_tower\.image_projection$", "model.multi_modal_projector.image_projection.weight"),
        (@"^vision_tower\.image_pos_embed\.", "model.multi_modal_projector.image_position_embed."),
        (@"^vision_tower\.image_proj_norm\.", "model.multi_modal_projector.image_proj_norm."),
        (@"^vision_tower\.encoder\.", "model.language_model.encoder."),
        (@"^vision_tower\.shared\.", "model.language_model.shared."),
    ];

    private static readonly (string Pattern, string Replacement)[] OriginalNames =
    [
        (@"^vision_tower\.(?!davit\.|encoder\.|shared\.)", ""), // image_projection, image_proj_norm, image_pos_embed
        (@"^vision_tower\.davit\.", "vision_tower."),
        (@"^vision_tower\.encoder\.", "language_model.model.encoder."),
        (@"^vision_tower\.shared\.", "language_model.model.shared."),
    ];

    [Theory]
    [InlineData("transformers-native")]
    [InlineData("original")]
    public void A_separate_tower_folder_in_either_naming_gives_the_reference_visual_embeddings(string naming)
    {
        using var dir = new TempDirectory();
        WriteSplitCheckpoint(dir.Path, naming == "original" ? OriginalNames : NativeNames, transposeProjection: naming != "original");

        var (model, _) = FlorenceVLModelLoader.Load(dir.Path, ModelPlacement.CpuFloat32);
        using (model)
        using (no_grad())
        using (var expected = SafetensorsFile.Open(Path.Combine(Fixture, "expected.safetensors")))
        {
            using var pixels = expected.Load("pixel_values");
            using var reference = expected.Load("visual_embeds");
            using var actual = model.EncodeImages(pixels);
            var error = (actual - reference).norm().item<float>() / reference.norm().item<float>();
            Assert.True(error < 1e-4, $"{naming}: relative error {error:E2}");
        }
    }

    /// <summary>The released checkpoint split in two: decoder + projector in the main file, the tower in vision_tower/ under other names.</summary>
    private static void WriteSplitCheckpoint(string directory, (string Pattern, string Replacement)[] rules, bool transposeProjection)
    {
        var (source, _) = FlorenceVLModelLoader.Load(Fixture, ModelPlacement.CpuFloat32);
        using (source)
        {
            var state = source.state_dict();
            Directory.CreateDirectory(Path.Combine(directory, "vision_tower"));
            File.Copy(Path.Combine(Fixture, "config.json"), Path.Combine(directory, "config.json"));
            File.Copy(Path.Combine(Fixture, "vision_tower", "config.json"), Path.Combine(directory, "vision_tower", "config.json"));
            SafetensorsWriter.Write(Path.Combine(directory, "model.safetensors"),
                state.Where(p => !p.Key.StartsWith("vision_tower.", StringComparison.Ordinal))
                    .Select(p => KeyValuePair.Create(ReleasedNames.FromModuleName(p.Key), p.Value)));
            SafetensorsWriter.Write(Path.Combine(directory, "vision_tower", "model.safetensors"),
                state.Where(p => p.Key.StartsWith("vision_tower.", StringComparison.Ordinal))
                    .Select(p => KeyValuePair.Create(Rename(p.Key, rules),
                        transposeProjection && p.Key == "vision_tower.image_projection" ? p.Value.t().contiguous() : p.Value)));
        }
    }

    private static string Rename(string name, (string Pattern, string Replacement)[] rules) =>
        rules.Aggregate(name, (current, rule) => Regex.Replace(current, rule.Pattern, rule.Replacement));
}
