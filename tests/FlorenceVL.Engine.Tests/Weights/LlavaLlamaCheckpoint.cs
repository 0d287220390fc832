using System.Text.Json.Nodes;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// A checkpoint folder in the released Florence-VL-8B layout (llava_llama) composed from the reference fixtures: the
/// Llama-3 GQA decoder of Fixtures/llama3-tiny (HF names: separate q/k/v and gate/up) and the Florence-2 tower and
/// mlp3x_gelu projector of Fixtures/florence-vl-tiny (released names, original Florence-2 names). The shapes fit as they
/// are: the projector maps 4 x 16 fused channels to 64, the Llama fixture's hidden size. Written with the project's
/// safetensors writer as two shards and an index, like the Hub's 8B; the folder's expected.safetensors holds the tower
/// references of florence-vl-tiny and the text-only references of llama3-tiny, so `parity` checks both halves.
/// </summary>
internal static class LlavaLlamaCheckpoint
{
    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    private static readonly string[] TowerReferences =
        ["pixel_values", "davit_nchw", "image_features_with_global", "encoder.caption", "encoder.ocr", "encoder.region", "fused", "visual_embeds"];

    public static void Compose(string directory)
    {
        using var scope = NewDisposeScope();
        var florence = Read(Fixture("florence-vl-tiny", "model.safetensors"), n => n.StartsWith("model.vision_tower.") || n.StartsWith("model.mm_projector."));
        var llama = Read(Fixture("llama3-tiny", "model.safetensors"), _ => true);
        // Shard 1: the decoder; shard 2: tower and projector (the Hub's 8B spreads its parts over four files the same way).
        var shards = new[] { ("model-00001-of-00002.safetensors", llama), ("model-00002-of-00002.safetensors", florence) };
        var weightMap = new JsonObject();
        foreach (var (file, tensors) in shards)
        {
            SafetensorsWriter.Write(Path.Combine(directory, file), tensors);
            foreach (var name in tensors.Keys) weightMap[name] = file;
        }
        File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = weightMap }.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "config.json"), Config().ToJsonString());
        Directory.CreateDirectory(Path.Combine(directory, "vision_tower"));
        File.Copy(Fixture("florence-vl-tiny", "vision_tower", "config.json"), Path.Combine(directory, "vision_tower", "config.json"));
        File.Copy(Fixture("tokenizer-bpe", "tokenizer.json"), Path.Combine(directory, "tokenizer.json"));
        WriteReferences(directory);
    }

    /// <summary>The Llama fixture's config with the LLaVA fields of Florence-VL-8B's config.json (tower sizes of the tiny fixture).</summary>
    private static JsonObject Config()
    {
        var config = JsonNode.Parse(File.ReadAllText(Fixture("llama3-tiny", "config.json")))!.AsObject();
        config["architectures"] = new JsonArray("LlavaLlamaForCausalLM");
        config["model_type"] = "llava_llama";
        config["mm_hidden_size"] = 16;
        config["mm_projector_type"] = "mlp3x_gelu";
        config["mm_vision_tower"] = "vision_tower";
        config["image_aspect_ratio"] = "pad";
        config["mm_patch_merge_type"] = "flat";
        config["mm_use_im_start_end"] = false;
        config["mm_use_im_patch_token"] = false;
        config["tokenizer_model_max_length"] = 2048;
        config["image_size"] = 160;
        return config;
    }

    private static void WriteReferences(string directory)
    {
        var references = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (var tower = SafetensorsFile.Open(Fixture("florence-vl-tiny", "expected.safetensors")))
            foreach (var name in TowerReferences) references[name] = tower.Load(name);
        using (var decoder = SafetensorsFile.Open(Fixture("llama3-tiny", "expected.safetensors")))
            foreach (var name in decoder.Entries.Keys) references[name] = decoder.Load(name);
        SafetensorsWriter.Write(Path.Combine(directory, "expected.safetensors"), references);
        var cases = JsonNode.Parse(File.ReadAllText(Fixture("florence-vl-tiny", "cases.json")))!.AsObject();
        cases["cases"] = JsonNode.Parse(File.ReadAllText(Fixture("llama3-tiny", "cases.json")))!["cases"]!.DeepClone();
        File.WriteAllText(Path.Combine(directory, "cases.json"), cases.ToJsonString());
    }

    private static Dictionary<string, Tensor> Read(string path, Func<string, bool> keep)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.Keys.Where(keep).ToDictionary(n => n, n => file.Load(n), StringComparer.Ordinal);
    }
}
