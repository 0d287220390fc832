using System.Security.Cryptography;
using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Compiled grammars by schema hash (SHA-256 of the canonical schema JSON: keys sorted, no whitespace), so a
/// schema is compiled once however many requests send it, in whatever key order or spacing. Bounded: the least
/// recently used grammar goes first. Thread-safe, so the Api can compile off the engine thread.
/// </summary>
public sealed class GrammarCache(int capacity = 256, GrammarLimits? limits = null)
{
    private const string JsonObjectKey = "json_object";

    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, CompiledGrammar Grammar)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, CompiledGrammar Grammar)> _recency = new();
    private readonly GrammarLimits _limits = limits ?? GrammarLimits.Default;

    public int Count { get { lock (_lock) return _entries.Count; } }

    public CompiledGrammar GetOrCompile(string schemaJson)
    {
        using var document = CompiledGrammar.ParseSchema(schemaJson);
        return GetOrCompile(document.RootElement);
    }

    public CompiledGrammar GetOrCompile(JsonElement schema) =>
        GetOrAdd(SchemaHash(schema), () => CompiledGrammar.FromJsonSchema(schema, _limits));

    public CompiledGrammar JsonObject() => GetOrAdd(JsonObjectKey, () => CompiledGrammar.JsonObject(_limits));

    public static string SchemaHash(JsonElement schema) => Convert.ToHexString(SHA256.HashData(CanonicalJson.Serialize(schema)));

    private CompiledGrammar GetOrAdd(string key, Func<CompiledGrammar> compile)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var hit))
            {
                _recency.Remove(hit);
                _recency.AddFirst(hit);
                return hit.Value.Grammar;
            }
        }
        // Compiled outside the lock: two threads may compile the same schema once each; the first one stored wins.
        var grammar = compile();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var raced)) return raced.Value.Grammar;
            _entries[key] = _recency.AddFirst((key, grammar));
            if (_entries.Count > capacity)
            {
                _entries.Remove(_recency.Last!.Value.Key);
                _recency.RemoveLast();
            }
            return grammar;
        }
    }
}
