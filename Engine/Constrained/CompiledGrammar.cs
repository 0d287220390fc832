using System.Runtime.CompilerServices;
using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// A schema compiled once into a grammar; immutable and shared by every request (and every choice) that uses
/// the same schema. Create matchers from it with <see cref="CreateMatcher"/>.
/// </summary>
public sealed class CompiledGrammar
{
    private CompiledGrammar(GrammarNode root, GrammarLimits limits)
    {
        Root = root;
        Context = new MatchContext(limits);
    }

    private readonly ConditionalWeakTable<TokenVocabulary, MaskCache> _maskCaches = new();

    internal GrammarNode Root { get; }

    internal MatchContext Context { get; }

    public GrammarLimits Limits => Context.Limits;

    /// <summary>Compiles a JSON Schema (OpenAI strict-mode subset); throws <see cref="UnsupportedSchemaException"/> for anything it cannot enforce.</summary>
    public static CompiledGrammar FromJsonSchema(JsonElement schema, GrammarLimits? limits = null)
    {
        limits ??= GrammarLimits.Default;
        return new CompiledGrammar(SchemaCompiler.CompileSchema(schema, limits), limits);
    }

    public static CompiledGrammar FromJsonSchema(string schemaJson, GrammarLimits? limits = null)
    {
        using var document = ParseSchema(schemaJson);
        return FromJsonSchema(document.RootElement, limits);
    }

    /// <summary><c>response_format: json_object</c>: any JSON object.</summary>
    public static CompiledGrammar JsonObject(GrammarLimits? limits = null)
    {
        limits ??= GrammarLimits.Default;
        return new CompiledGrammar(SchemaCompiler.CompileAnyObject(limits), limits);
    }

    public GrammarMatcher CreateMatcher(TokenVocabulary vocabulary) => new(this, vocabulary);

    /// <summary>Masks already walked for this grammar over <paramref name="vocabulary"/>, shared by all its matchers.</summary>
    internal MaskCache MaskCacheFor(TokenVocabulary vocabulary) =>
        _maskCaches.GetValue(vocabulary, v => new MaskCache(v.MaskWords, MaskCache.DefaultMaxBytes));

    internal static JsonDocument ParseSchema(string schemaJson)
    {
        try
        {
            return JsonDocument.Parse(schemaJson);
        }
        catch (JsonException e)
        {
            throw new UnsupportedSchemaException($"The schema is not valid JSON: {e.Message}", "$", "$");
        }
    }
}
