using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// The released tensor tables in Fixtures/released-layouts (written by make_tables.py there from the reference naming
/// and the published configs, never from this project's modules), and sparse checkpoints made from them.
/// </summary>
internal sealed record ReleasedLayoutTable(string ModelType, double HubCardParameters, IReadOnlyDictionary<string, long[]> Tensors)
{
    public static ReleasedLayoutTable Read(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "released-layouts", file)))!;
        var card = root["hub_card_parameters"]!.GetValue<string>();
        var tensors = root["tensors"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(d => d!.GetValue<long>()).ToArray(), StringComparer.Ordinal);
        return new(root["model_type"]!.GetValue<string>(), double.Parse(card.TrimEnd('B'), System.Globalization.CultureInfo.InvariantCulture) * 1e9, tensors);
    }

    public long TotalElements => Tensors.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b));

    /// <summary>
    /// Writes the table as bf16 safetensors shards with a <c>model.safetensors.index.json</c>, the way the Hub ships
    /// them. Headers are written by hand here (independently of the project's writer) and the data regions are left
    /// sparse: a 9.6 GB checkpoint takes a few hundred kilobytes of disk and no time.
    /// </summary>
    public void WriteSparseShards(string directory, int shards)
    {
        var names = Tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var weightMap = new JsonObject();
        for (var s = 0; s < shards; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var mine = names.Where((_, i) => i * shards / names.Count == s).ToList();
            var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
            long offset = 0;
            foreach (var name in mine)
            {
                var bytes = Tensors[name].Aggregate(2L, (a, b) => a * b);
                header[name] = new JsonObject
                {
                    ["dtype"] = "BF16",
                    ["shape"] = new JsonArray(Tensors[name].Select(d => JsonValue.Create(d)).ToArray<JsonNode?>()),
                    ["data_offsets"] = new JsonArray(offset, offset + bytes),
                };
                offset += bytes;
                weightMap[name] = file;
            }
            var json = Encoding.UTF8.GetBytes(header.ToJsonString());
            using var stream = File.Create(Path.Combine(directory, file));
            stream.Write(BitConverter.GetBytes((long)json.Length));
            stream.Write(json);
            stream.SetLength(8 + json.Length + offset);
        }
        var index = new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(directory, "model.safetensors.index.json"), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
