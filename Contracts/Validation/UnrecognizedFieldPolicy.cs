using System.Text.Json;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// Decides what happens to a property the contract does not declare. OpenAI parameters this server does not
/// implement are refused by name (unsupported_parameter), except for values that ask for nothing (null, "none",
/// a text response format, ...), which SDKs and proxies send by default. Anything else is an unknown_parameter.
/// </summary>
internal static class UnrecognizedFieldPolicy
{
    private delegate bool Harmless(JsonElement value);

    private static readonly Harmless OnlyNull = _ => false;

    /// <summary>OpenAI request parameters we recognise but do not implement, with the values that are harmless.</summary>
    private static readonly Dictionary<string, Harmless> RequestParameters = new()
    {
        // The deprecated forms of tools and tool_choice: clients send tools today.
        ["functions"] = OnlyNull,
        ["function_call"] = v => IsString(v, "none"),
        ["audio"] = OnlyNull,
        ["modalities"] = v => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(m => IsString(m, "text")),
        ["logit_bias"] = v => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any(),
        ["prediction"] = OnlyNull,
        ["reasoning_effort"] = OnlyNull,
        ["verbosity"] = OnlyNull,
        ["web_search_options"] = OnlyNull,
        ["service_tier"] = v => IsString(v, "auto") || IsString(v, "default"),
        // Identifiers for abuse monitoring and cache routing, like "user": nothing to honour.
        ["safety_identifier"] = v => v.ValueKind == JsonValueKind.String,
        ["prompt_cache_key"] = v => v.ValueKind == JsonValueKind.String,
    };

    private static readonly Dictionary<string, Harmless> MessageParameters = new()
    {
        ["function_call"] = OnlyNull,
        ["audio"] = OnlyNull,
    };

    private static readonly Dictionary<string, Harmless> StreamOptionParameters = new()
    {
        // Padding against side channels on OpenAI's network path; nothing to do for us.
        ["include_obfuscation"] = v => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
    };

    public static void CheckRequest(List<RequestError> errors, Dictionary<string, JsonElement>? fields) =>
        Check(errors, null, fields, RequestParameters);

    public static void CheckMessage(List<RequestError> errors, string messagePath, Dictionary<string, JsonElement>? fields) =>
        Check(errors, messagePath, fields, MessageParameters);

    public static void CheckStreamOptions(List<RequestError> errors, Dictionary<string, JsonElement>? fields) =>
        Check(errors, "stream_options", fields, StreamOptionParameters);

    /// <summary>For objects where OpenAI defines nothing beyond what the contract declares (parts, image_url).</summary>
    public static void CheckStrict(List<RequestError> errors, string? objectPath, Dictionary<string, JsonElement>? fields) =>
        Check(errors, objectPath, fields, []);

    private static void Check(
        List<RequestError> errors, string? parent, Dictionary<string, JsonElement>? fields, Dictionary<string, Harmless> known)
    {
        if (fields is null)
            return;
        foreach (var (name, value) in fields)
        {
            var param = JsonPath.Property(parent, name);
            if (!known.TryGetValue(name, out var harmless))
                errors.Add(new RequestError($"Unknown parameter: '{param}'.", param, OpenAIErrorCodes.UnknownParameter));
            else if (value.ValueKind != JsonValueKind.Null && !harmless(value))
                errors.Add(new RequestError(
                    $"Unsupported parameter: '{param}' is not supported by this server.", param,
                    OpenAIErrorCodes.UnsupportedParameter));
        }
    }

    private static bool IsString(JsonElement value, string expected) =>
        value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);
}
