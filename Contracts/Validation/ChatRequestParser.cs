using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// Turns a request body into a <see cref="ChatCompletionRequest"/> or one <see cref="RequestError"/>; never throws
/// for anything a client can send. Two passes: a syntax pass (JsonDocument, depth-limited, duplicate keys refused)
/// that reports malformed JSON with its position, then binding, whose failures are wrong value kinds at a path.
/// Semantic checks are left to <see cref="ChatRequestValidator"/>.
/// </summary>
public static class ChatRequestParser
{
    /// <summary>Any other request body of this server (tokenize, responses, ...), with the same two passes and errors.</summary>
    public static bool TryParse<T>(
        ReadOnlySpan<byte> utf8Json,
        JsonTypeInfo<T> typeInfo,
        [NotNullWhen(true)] out T? request,
        [NotNullWhen(false)] out RequestError? error) where T : class =>
        TryParseOwned(utf8Json.ToArray(), typeInfo, out request, out error);

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Duplicate keys are refused by the binding pass instead, which knows their path.
        MaxDepth = ContractsJsonContext.MaxDepthLimit,
    };

    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ChatCompletionRequest? request,
        [NotNullWhen(false)] out RequestError? error) =>
        TryParseOwned(utf8Json.ToArray(), ContractsJsonContext.Default.ChatCompletionRequest, out request, out error);

    /// <summary>JsonDocument keeps a reference to <paramref name="utf8Json"/> while it is alive, hence memory here.</summary>
    private static bool TryParseOwned<T>(
        ReadOnlyMemory<byte> utf8Json,
        JsonTypeInfo<T> typeInfo,
        [NotNullWhen(true)] out T? request,
        [NotNullWhen(false)] out RequestError? error) where T : class
    {
        request = null;
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span))
        {
            error = new RequestError(
                "We could not parse the JSON body of your request: it is not valid UTF-8.", null, OpenAIErrorCodes.InvalidJson);
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = SyntaxError(ex);
            return false;
        }
        using (document)
            return TryBind(document, typeInfo, out request, out error);
    }

    private static bool TryBind<T>(
        JsonDocument document,
        JsonTypeInfo<T> typeInfo,
        [NotNullWhen(true)] out T? request,
        [NotNullWhen(false)] out RequestError? error) where T : class
    {
        request = null;
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            error = new RequestError(
                $"The request body must be a JSON object, but got {JsonKinds.Describe(document.RootElement.ValueKind)} instead.",
                null, OpenAIErrorCodes.InvalidType);
            return false;
        }
        try
        {
            request = document.RootElement.Deserialize(typeInfo)!;
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            error = BindingError(ex, document.RootElement, typeof(T));
            return false;
        }
    }

    private static RequestError SyntaxError(JsonException ex)
    {
        var reason = ex.Message.Split(" LineNumber:", 2)[0].Trim();
        var position = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
        return new RequestError(
            $"We could not parse the JSON body of your request: {reason}{position}", null, OpenAIErrorCodes.InvalidJson);
    }

    /// <summary>
    /// A binding failure as OpenAI words it, at its JSON path. <paramref name="prefix"/> is where
    /// <paramref name="root"/> sits in the body when a caller binds part of it on its own (e.g. "input[2]").
    /// </summary>
    internal static RequestError BindingError(JsonException ex, JsonElement root, Type requestType, string? prefix = null)
    {
        var serializerPath = ex is NestedJsonException nested ? ex.Path + nested.RelativePath : ex.Path;
        var segments = JsonPath.Parse(serializerPath);
        var relative = JsonPath.FromSerializerPath(serializerPath);
        var param = prefix is null ? relative : relative is null ? prefix : relative.StartsWith('[') ? prefix + relative : $"{prefix}.{relative}";
        var innermost = ex is NestedJsonException { InnerException: UnexpectedJsonTypeException inner } ? inner : ex;

        if (innermost is UnexpectedJsonTypeException typed)
            return InvalidType(param, typed.Expected, JsonKinds.Describe(typed.Actual));
        if (ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal))
            return new RequestError($"Duplicate parameter '{param}'.", param, OpenAIErrorCodes.InvalidJson);

        var expected = ExpectedJsonKind.At(requestType, segments, ContractsJsonContext.Default.Options);
        var actual = ValueAt(root, segments);
        if (expected?.Contains("a string", StringComparison.Ordinal) == true && actual is { ValueKind: JsonValueKind.String })
            return new RequestError(
                $"Invalid value for '{param}': the string is not valid Unicode (check its \\u escapes).",
                param, OpenAIErrorCodes.InvalidValue);
        if (expected is not null && actual is { ValueKind: JsonValueKind.Number } number && expected.Contains("integer"))
            return new RequestError(
                $"Invalid value for '{param}': expected {expected}, but got {number.GetRawText()} instead.",
                param, OpenAIErrorCodes.InvalidValue);
        return InvalidType(param, expected ?? "a different type", actual is { } value ? JsonKinds.Describe(value.ValueKind) : "an unexpected value");
    }

    internal static RequestError InvalidType(string? param, string expected, string actual) =>
        new($"Invalid type for '{param}': expected {expected}, but got {actual} instead.", param, OpenAIErrorCodes.InvalidType);

    private static JsonElement? ValueAt(JsonElement root, IReadOnlyList<JsonPath.Segment> segments)
    {
        var current = root;
        foreach (var segment in segments)
        {
            if (segment.Index is { } index && current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength())
                current = current[index];
            else if (segment.Name is { } name && current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var child))
                current = child;
            else
                return null;
        }
        return current;
    }
}
