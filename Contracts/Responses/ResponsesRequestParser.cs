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
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Json,
        [NotNullWhen(true)] out ResponsesRequest? request,
        [NotNullWhen(false)] out RequestError? error)
    {
        request = null;
        // The syntax pass and the top-level binding are the chat parser's, so both endpoints word errors alike.
        if (!ChatRequestParser.TryParse(utf8Json, ContractsJsonContext.Default.ResponsesRequest, out var bound, out error))
            return false;
        return TryReadInput(bound, out request, out error);
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
            error = ChatRequestParser.BindingError(ex, element, typeof(T), prefix);
            return false;
        }
    }

    public static RequestError InvalidType(string? param, string expected, string actual) =>
        ChatRequestParser.InvalidType(param, expected, actual);
}
