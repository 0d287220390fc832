using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>
/// The tensors of an HF checkpoint folder: a single <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c>. Files stay open; tensors are read one at a time on request.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, SafetensorsFile> _byName;

    private SafetensorsCheckpoint(List<SafetensorsFile> files)
    {
        _files = files;
        _byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var name in file.Entries.Keys)
                if (!_byName.TryAdd(name, file))
                    throw new CheckpointException($"tensor '{name}' appears in both {_byName[name].Path} and {file.Path}.");
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;
    public SafetensorsEntry Entry(string name) => _byName[name].Entries[name];
    public bool Contains(string name) => _byName.ContainsKey(name);
    public Tensor Load(string name, ScalarType? dtype = null) => _byName[name].Load(name, dtype);
    public void ReadInto(string name, Tensor destination) => _byName[name].ReadInto(name, destination);
    public IReadOnlyList<string> FilePaths => _files.Select(f => f.Path).ToList();

    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, IndexFileName)) || File.Exists(Path.Combine(directory, SingleFileName));

    public static SafetensorsCheckpoint Open(string directory)
    {
        var paths = ShardPaths(directory);
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (var path in paths) files.Add(SafetensorsFile.Open(path));
            return new SafetensorsCheckpoint(files);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private static IReadOnlyList<string> ShardPaths(string directory)
    {
        var index = Path.Combine(directory, IndexFileName);
        if (File.Exists(index))
        {
            try
            {
                var weightMap = (JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject)
                    ?? throw new CheckpointException($"{index} has no weight_map.");
                return weightMap.Select(pair => pair.Value!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal)
                    .Select(file => Path.Combine(directory, file)).ToList();
            }
            catch (JsonException e) { throw new CheckpointException($"{index} is not valid JSON: {e.Message}", e); }
        }
        var single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single)) return [single];
        throw new CheckpointException($"{directory}: no {SingleFileName} or {IndexFileName} found.");
    }
}
