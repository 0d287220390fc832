using System.Text;
using System.Text.Json;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// Rules shared by response_format's json_schema and the tools' functions: OpenAI's name pattern, schemas being
/// JSON objects, and this server's bound on schema size (compiling a schema into a grammar costs time and memory
/// that grow with it, so the bound protects the engine rather than mirroring an OpenAI limit).
/// </summary>
internal static class SchemaRules
{
    public const int MaxNameLength = 64;
    public const string NamePattern = "^[a-zA-Z0-9_-]{1,64}$";
    public const string LimitSetting = "FlorenceVL:Limits:MaxSchemaBytes";

    /// <summary>Checks a required name; false when it was missing or malformed (an error has been added).</summary>
    public static bool CheckName(List<RequestError> errors, string param, string? name)
    {
        if (name is null)
        {
            errors.Add(ChatRequestValidator.Missing(param));
            return false;
        }
        if (IsValidName(name))
            return true;
        errors.Add(new RequestError(
            $"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '{NamePattern}'.",
            param, OpenAIErrorCodes.InvalidValue));
        return false;
    }

    /// <summary>The pattern spelled out: a Regex would also accept a trailing newline before "$".</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>Checks that a schema, when present, is an object; returns its size in bytes of JSON (0 when absent).</summary>
    public static int CheckSchemaObject(List<RequestError> errors, string param, JsonElement? schema)
    {
        if (schema is not { } value)
            return 0;
        if (value.ValueKind != JsonValueKind.Object)
            errors.Add(new RequestError(
                $"Invalid type for '{param}': expected an object, but got {JsonKinds.Describe(value.ValueKind)} instead.",
                param, OpenAIErrorCodes.InvalidType));
        return Encoding.UTF8.GetByteCount(value.GetRawText());
    }

    public static RequestError TooLarge(string param, string what, long bytes, int maxBytes) =>
        new($"Invalid '{param}': {what} is {bytes} bytes of JSON, above this server's limit of {maxBytes} bytes "
            + $"(configurable as {LimitSetting}).",
            param, OpenAIErrorCodes.StringAboveMaxLength);
}
