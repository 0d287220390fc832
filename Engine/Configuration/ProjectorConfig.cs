namespace FlorenceVL.Engine.Configuration;

/// <summary>
/// DBFusion and the projector. The fused feature concatenates the image features V with one encoder output per task
/// prompt on channels: <c>FusedDim = (1 + prompts) * mm_hidden_size</c>; the projector maps it to the LLM width.
/// </summary>
public sealed record ProjectorConfig(string ProjectorType, int MmHiddenSize, int NumFusedFeatures, int TextHiddenSize)
{
    public int FusedDim => MmHiddenSize * NumFusedFeatures;

    /// <summary>Number of GELU-separated linear layers, parsed from LLaVA's <c>mlp{N}x_gelu</c> name.</summary>
    public int Depth => ProjectorType switch
    {
        "linear" => 1,
        _ when ProjectorType.StartsWith("mlp", StringComparison.Ordinal) && ProjectorType.EndsWith("x_gelu", StringComparison.Ordinal)
            && int.TryParse(ProjectorType.AsSpan(3, ProjectorType.Length - 9), out var depth) && depth >= 1 => depth,
        _ => throw new ModelConfigException($"mm_projector_type '{ProjectorType}' is not supported (expected linear or mlpNx_gelu)."),
    };
}
