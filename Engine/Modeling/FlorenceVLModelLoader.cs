using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Weights;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// Builds a <see cref="FlorenceVLModel"/> from a checkpoint folder. The vision tower's tensors come from the main
/// checkpoint when it holds them (the released layout), else from the vision tower folder's own safetensors in the
/// original or the transformers-native Florence-2 names.
/// </summary>
public static class FlorenceVLModelLoader
{
    public static (FlorenceVLModel Model, LoadReport Report) Load(string directory, ModelPlacement placement)
    {
        var config = FlorenceVLConfig.FromModelDirectory(directory);
        var model = new FlorenceVLModel(config, placement);
        using var main = SafetensorsCheckpoint.Open(directory);
        var sources = new List<CheckpointSource> { new(main, WeightLayouts.ReleasedFlorenceVL(packLlama: config.Text.Kind == DecoderKind.Llama)) };
        SafetensorsCheckpoint? tower = null;
        try
        {
            if (!main.Names.Any(n => n.StartsWith("model.vision_tower.", StringComparison.Ordinal)))
            {
                tower = SafetensorsCheckpoint.Exists(config.VisionTowerDirectory)
                    ? SafetensorsCheckpoint.Open(config.VisionTowerDirectory)
                    : throw new CheckpointException(
                        $"{directory}: the checkpoint holds no vision tower tensors and {config.VisionTowerDirectory} has no model.safetensors.");
                sources.Add(new(tower, TowerLayout(tower)));
            }
            var report = CheckpointLoader.Load(model, sources, model.LanguageModel.TiedParameters("language_model."));
            return (model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            tower?.Dispose();
        }
    }

    private static WeightLayout TowerLayout(SafetensorsCheckpoint tower) =>
        tower.Names.Any(n => n.StartsWith("model.multi_modal_projector.", StringComparison.Ordinal))
            ? WeightLayouts.NativeFlorence2Tower
            : WeightLayouts.OriginalFlorence2Tower;
}
