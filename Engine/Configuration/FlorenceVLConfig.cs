using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>
/// A whole Florence-VL checkpoint's architecture: vision tower, projector and decoder. Architecture always comes from the
/// checkpoint folder, never from application settings.
/// </summary>
public sealed record FlorenceVLConfig(
    string ModelType,
    VisionTowerConfig Vision,
    ProjectorConfig Projector,
    TextConfig Text,
    int ImageSize,
    string VisionTowerDirectory)
{
    /// <summary>
    /// Decision (MODEL.md step 5): the global token takes part in encoder attention but is not passed to the LLM,
    /// so an image gives GridSize^2 visual tokens (576 for the released models).
    /// </summary>
    public int NumVisualTokens => Vision.DaViT.GridSize(ImageSize) * Vision.DaViT.GridSize(ImageSize);

    public static FlorenceVLConfig FromModelDirectory(string directory)
    {
        var json = ReadJson(Path.Combine(directory, "config.json"));
        var reader = new JsonFieldReader(json, Path.Combine(directory, "config.json"));
        var modelType = reader.OptionalString("model_type") ?? throw new ModelConfigException($"{directory}/config.json has no model_type.");
        var kind = modelType switch
        {
            "llava_phi" => DecoderKind.Phi3,
            "llava_llama" => DecoderKind.Llama,
            _ => throw new ModelConfigException($"{directory}: model_type '{modelType}' is not a Florence-VL model (expected llava_phi or llava_llama)."),
        };
        var text = TextConfig.FromJson(json, kind);
        var towerDirectory = ResolveVisionTower(directory, reader.OptionalString("mm_vision_tower"));
        var vision = VisionTowerConfig.FromJson(ReadJson(Path.Combine(towerDirectory, "config.json")), Path.Combine(towerDirectory, "config.json"));
        var mmHidden = reader.OptionalInt("mm_hidden_size") ?? vision.ProjectionDim;
        if (mmHidden != vision.ProjectionDim || mmHidden != vision.Encoder.DModel)
            throw new ModelConfigException($"mm_hidden_size {mmHidden} must equal the vision tower's projection_dim ({vision.ProjectionDim}) and d_model ({vision.Encoder.DModel}).");
        var projector = new ProjectorConfig(reader.OptionalString("mm_projector_type") ?? "mlp3x_gelu", mmHidden, 1 + vision.Prompts.Count, text.HiddenSize);
        _ = projector.Depth;
        return new FlorenceVLConfig(modelType, vision, projector, text, reader.OptionalInt("image_size") ?? 768, towerDirectory);
    }

    /// <summary>Which decoder family a plain (text-only) HF folder holds.</summary>
    public static TextConfig TextOnlyFromModelDirectory(string directory)
    {
        var json = ReadJson(Path.Combine(directory, "config.json"));
        var modelType = json["model_type"]?.GetValue<string>();
        var kind = modelType switch
        {
            "phi3" or "llava_phi" => DecoderKind.Phi3,
            "llama" or "llava_llama" => DecoderKind.Llama,
            _ => throw new ModelConfigException($"{directory}: model_type '{modelType}' is not a supported decoder (phi3, llama)."),
        };
        return TextConfig.FromJson(json, kind);
    }

    // Offline, mm_vision_tower names a local folder: relative to the checkpoint (the released layout ships vision_tower/)
    // or absolute. A hub id ("jiuhai/florence-phi-vision-tower") falls back to the checkpoint's own vision_tower/ folder.
    private static string ResolveVisionTower(string directory, string? configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
            candidates.Add(Path.IsPathRooted(configured) ? configured : Path.Combine(directory, configured));
        candidates.Add(Path.Combine(directory, "vision_tower"));
        foreach (var candidate in candidates)
            if (File.Exists(Path.Combine(candidate, "config.json"))) return Path.GetFullPath(candidate);
        throw new ModelConfigException(
            $"Vision tower config not found: looked for config.json in {string.Join(", ", candidates)} (mm_vision_tower = '{configured}').");
    }

    internal static JsonObject ReadJson(string path)
    {
        if (!File.Exists(path)) throw new ModelConfigException($"{path} not found.");
        try { return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new ModelConfigException($"{path} is not a JSON object."); }
        catch (JsonException e) { throw new ModelConfigException($"{path} is not valid JSON: {e.Message}", e); }
    }
}
