namespace FlorenceVL.Training.Stages;

/// <summary>
/// Florence-VL's two stages and their defaults (MODEL.md "Training recipe"):
/// pretraining trains the whole model end to end as the paper does (the released scripts froze the tower: set
/// "trainable" to leave it out), instruction tuning trains projector and LLM with the tower frozen.
/// </summary>
public enum StageKind { Pretraining, InstructionTuning }

public static class StageDefaults
{
    public static IReadOnlyList<ModelPart> Trainable(StageKind kind) => kind == StageKind.Pretraining
        ? ModelParts.All
        : [ModelPart.Projector, ModelPart.Llm];

    /// <summary>The 3B model's rates: 1e-5 for stage 1, 9e-5 for stage 2.</summary>
    public static double LearningRate(StageKind kind) => kind == StageKind.Pretraining ? 1e-5 : 9e-5;

    public static StageKind Parse(string? value, string file) => value switch
    {
        "pretraining" => StageKind.Pretraining,
        "instruction_tuning" => StageKind.InstructionTuning,
        _ => throw new StageFileException($"{file}: \"stage\" must be \"pretraining\" or \"instruction_tuning\" (got '{value}')."),
    };
}
