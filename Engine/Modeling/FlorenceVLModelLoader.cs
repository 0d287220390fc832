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
    public static (FlorenceVLModel Model, LoadReport Report) Load(string directory, ModelPlacement placement) =>
        Load(FlorenceVLConfig.FromModelDirectory(directory), directory, placement);

    /// <summary>The same load with the architecture given (the released presets on the meta device, in tests).</summary>
    public static (FlorenceVLModel Model, LoadReport Report) Load(FlorenceVLConfig config, string directory, ModelPlacement placement)
    {
        var model = new FlorenceVLModel(config, placement);
        try
        {
            using var sources = CheckpointSources.Open(config, directory);
            var report = CheckpointLoader.Load(model, sources.All, model.LanguageModel.TiedParameters("language_model."));
            return (model, report);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
