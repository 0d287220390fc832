using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Weights;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// The checkpoints a Florence-VL folder is read from, with the layout of each: the main checkpoint in the released
/// layout, plus the vision tower folder's own weights when the main checkpoint holds no tower tensors.
/// </summary>
public sealed class CheckpointSources : IDisposable
{
    private CheckpointSources(List<CheckpointSource> all, string towerSource) { All = all; TowerSource = towerSource; }

    public IReadOnlyList<CheckpointSource> All { get; }

    /// <summary>Where the tower's tensors come from, in words (for <c>inspect</c>).</summary>
    public string TowerSource { get; }

    public static CheckpointSources Open(FlorenceVLConfig config, string directory)
    {
        var main = SafetensorsCheckpoint.Open(directory);
        var sources = new List<CheckpointSource> { new(main, WeightLayouts.ReleasedFlorenceVL(packLlama: config.Text.Kind == DecoderKind.Llama)) };
        if (main.Names.Any(n => n.StartsWith("model.vision_tower.", StringComparison.Ordinal)))
            return new(sources, "main checkpoint (model.vision_tower.vision_tower.*)");
        try
        {
            var tower = SafetensorsCheckpoint.Exists(config.VisionTowerDirectory)
                ? SafetensorsCheckpoint.Open(config.VisionTowerDirectory)
                : throw new CheckpointException(
                    $"{directory}: the checkpoint holds no vision tower tensors and {config.VisionTowerDirectory} has no model.safetensors.");
            var layout = TowerLayout(tower);
            sources.Add(new(tower, layout));
            return new(sources, $"{config.VisionTowerDirectory} ({layout.Name} names)");
        }
        catch
        {
            main.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var source in All) source.Checkpoint.Dispose();
    }

    private static WeightLayout TowerLayout(SafetensorsCheckpoint tower) =>
        tower.Names.Any(n => n.StartsWith("model.multi_modal_projector.", StringComparison.Ordinal))
            ? WeightLayouts.NativeFlorence2Tower
            : WeightLayouts.OriginalFlorence2Tower;
}
