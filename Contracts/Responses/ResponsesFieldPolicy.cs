using System.Text.Json;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Responses;

/// <summary>
/// What happens to a Responses request property the contract does not declare, as on the chat path: OpenAI
/// parameters this server does not implement are refused by name (unsupported_parameter) unless their value asks
/// for nothing (null, false, an empty object, the default); anything else is an unknown_parameter.
/// </summary>
public static class ResponsesFieldPolicy
{
    private delegate bool Harmless(JsonElement value);

    private static readonly Harmless OnlyNull = _ => false;

    private static readonly Dictionary<string, (Harmless Harmless, string? Why)> RequestParameters = new()
    {
        ["background"] = (v => v.ValueKind == JsonValueKind.False, "background responses need stored responses to poll, and this server keeps none"),
        ["conversation"] = (OnlyNull, "this server keeps no conversations; send the whole conversation in 'input'"),
        ["reasoning"] = (v => v.ValueKind == JsonValueKind.Object && v.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Null),
            "the served model does not reason"),
        ["prompt"] = (OnlyNull, "this server has no stored prompt templates"),
        ["top_logprobs"] = (v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n == 0, null),
        ["max_tool_calls"] = (v => v.ValueKind == JsonValueKind.Number, null),
        ["service_tier"] = (v => IsString(v, "auto") || IsString(v, "default"), null),
        ["safety_identifier"] = (v => v.ValueKind == JsonValueKind.String, null),
        ["prompt_cache_key"] = (v => v.ValueKind == JsonValueKind.String, null),
        ["prompt_cache_retention"] = (v => v.ValueKind == JsonValueKind.String, null),
        ["stream_options"] = (v => v.ValueKind == JsonValueKind.Object
            && v.EnumerateObject().All(p => p.NameEquals("include_obfuscation") && p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False), null),
    };

    public static void CheckRequest(List<RequestError> errors, Dictionary<string, JsonElement>? fields)
    {
        foreach (var (name, value) in fields ?? [])
        {
            if (!RequestParameters.TryGetValue(name, out var rule))
                errors.Add(new RequestError($"Unknown parameter: '{name}'.", name, OpenAIErrorCodes.UnknownParameter));
            else if (value.ValueKind != JsonValueKind.Null && !rule.Harmless(value))
                errors.Add(Unsupported(name, rule.Why));
        }
    }

    /// <summary>For objects where the contract declares everything this server accepts.</summary>
    public static void CheckStrict(List<RequestError> errors, string objectPath, Dictionary<string, JsonElement>? fields)
    {
        foreach (var name in fields?.Keys ?? Enumerable.Empty<string>())
        {
            var param = JsonPath.Property(objectPath, name);
            errors.Add(new RequestError($"Unknown parameter: '{param}'.", param, OpenAIErrorCodes.UnknownParameter));
        }
    }

    public static RequestError Unsupported(string param, string? why) => new(
        $"Unsupported parameter: '{param}' is not supported by this server" + (why is null ? "." : $": {why}."),
        param, OpenAIErrorCodes.UnsupportedParameter);

    private static bool IsString(JsonElement value, string expected) =>
        value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);
}
