namespace FlorenceVL.Training.Stages;

/// <summary>The three separately trainable parts of Florence-VL; each is one parameter group with its own learning rate.</summary>
public enum ModelPart { VisionTower, Projector, Llm }

public static class ModelParts
{
    public static IReadOnlyList<ModelPart> All { get; } = [ModelPart.VisionTower, ModelPart.Projector, ModelPart.Llm];

    /// <summary>The stage-file spelling: vision_tower, projector, llm.</summary>
    public static string Key(ModelPart part) => part switch
    {
        ModelPart.VisionTower => "vision_tower",
        ModelPart.Projector => "projector",
        ModelPart.Llm => "llm",
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    public static ModelPart Parse(string key)
    {
        foreach (var part in All)
            if (Key(part) == key) return part;
        throw new StageFileException($"unknown model part '{key}' (expected vision_tower, projector or llm).");
    }

    /// <summary>Which part a parameter belongs to, from its module name (the Engine's FlorenceVLModel tree).</summary>
    public static ModelPart OfParameter(string name) =>
        name.StartsWith("vision_tower.", StringComparison.Ordinal) ? ModelPart.VisionTower
        : name.StartsWith("mm_projector.", StringComparison.Ordinal) ? ModelPart.Projector
        : name.StartsWith("language_model.", StringComparison.Ordinal) ? ModelPart.Llm
        : throw new ArgumentException($"parameter '{name}' belongs to no known part (vision_tower., mm_projector., language_model.).", nameof(name));
}
