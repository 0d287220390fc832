using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Responses;

/// <summary>
/// Turns a Responses request body into a <see cref="ResponsesRequest"/> or one <see cref="RequestError"/>, like
/// <see cref="ChatRequestParser"/> does for chat: a syntax pass, then binding, whose failures name the path. The
/// input is read here too (a string, or items bound one by one so that an error names <c>input[i]...</c>).
/// </summary>
public static class ResponsesRequestParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ContractsJsonContext.MaxDepthLimit };

    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ResponsesRequest? request,
        [NotNullWhen(false)] out RequestError? error)
    {
        request = null;
        var owned = utf8Json.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(owned))
        {
            error = new RequestError("We could not parse the JSON body of your request: it is not valid UTF-8.", null, OpenAIErrorCodes.InvalidJson);
            return false;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(owned, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Split(" LineNumber:", 2)[0].Trim();
            var position = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            error = new RequestError($"We could not parse the JSON body of your request: {reason}{position}", null, OpenAIErrorCodes.InvalidJson);
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = new RequestError(
                    $"The request body must be a JSON object, but got {JsonKinds.Describe(root.ValueKind)} instead.", null, OpenAIErrorCodes.InvalidType);
                return false;
            }
            if (!TryBind(root, ContractsJsonContext.Default.ResponsesRequest, null, out var bound, out error))
                return false;
            return TryReadInput(bound, out request, out error);
        }
    }

    private static bool TryReadInput(ResponsesRequest bound, out ResponsesRequest? request, out RequestError? error)
    {
        request = bound;
        error = null;
        switch (bound.Input)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return true;
            case { ValueKind: JsonValueKind.String } text:
                request = bound with { InputText = text.GetString() };
                return true;
            case { ValueKind: JsonValueKind.Array } array:
                var items = new List<ResponsesInputItem>(array.GetArrayLength());
                var i = 0;
                foreach (var element in array.EnumerateArray())
                {
                    var path = $"input[{i++}]";
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        error = InvalidType(path, "an object", JsonKinds.Describe(element.ValueKind));
                        return false;
                    }
                    if (!TryBind(element, ContractsJsonContext.Default.ResponsesInputItem, path, out var item, out error))
                        return false;
                    items.Add(item);
                }
                request = bound with { InputItems = items };
                return true;
            case { } other:
                error = InvalidType("input", "one of a string or array of objects", JsonKinds.Describe(other.ValueKind));
                return false;
        }
    }

    /// <summary>Binds <paramref name="element"/>; a failure names its path below <paramref name="prefix"/>.</summary>
    public static bool TryBind<T>(
        JsonElement element, JsonTypeInfo<T> typeInfo, string? prefix,
        [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out RequestError? error)
    {
        try
        {
            value = element.Deserialize(typeInfo)!;
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            value = default;
            error = BindingError(ex, element, typeof(T), prefix);
            return false;
        }
    }

    private static RequestError BindingError(JsonException ex, JsonElement root, Type rootType, string? prefix)
    {
        var segments = JsonPath.Parse(ex.Path);
        var relative = JsonPath.FromSerializerPath(ex.Path);
        var param = prefix is null ? relative : relative is null ? prefix : relative.StartsWith('[') ? prefix + relative : $"{prefix}.{relative}";
        if (ex.Message.StartsWith("Duplicate property", StringComparison.Ordinal))
            return new RequestError($"Duplicate parameter '{param}'.", param, OpenAIErrorCodes.InvalidJson);
        var expected = ExpectedJsonKind.At(rootType, segments, ContractsJsonContext.Default.Options);
        var actual = ValueAt(root, segments);
        if (expected?.Contains("a string", StringComparison.Ordinal) == true && actual is { ValueKind: JsonValueKind.String })
            return new RequestError(
                $"Invalid value for '{param}': the string is not valid Unicode (check its \\u escapes).", param, OpenAIErrorCodes.InvalidValue);
        if (expected is not null && actual is { ValueKind: JsonValueKind.Number } number && expected.Contains("integer"))
            return new RequestError(
                $"Invalid value for '{param}': expected {expected}, but got {number.GetRawText()} instead.", param, OpenAIErrorCodes.InvalidValue);
        return InvalidType(param, expected ?? "a different type", actual is { } v ? JsonKinds.Describe(v.ValueKind) : "an unexpected value");
    }

    public static RequestError InvalidType(string? param, string expected, string actual) =>
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
