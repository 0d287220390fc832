using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary><c>response_format</c>: free text, any JSON object, or JSON that follows a schema.</summary>
public sealed record ResponseFormat
{
    /// <summary>One of <see cref="ResponseFormatTypes"/>.</summary>
    public string? Type { get; init; }

    /// <summary>Required when <see cref="Type"/> is json_schema.</summary>
    public JsonSchemaFormat? JsonSchema { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary>The <c>json_schema</c> object of a response format.</summary>
public sealed record JsonSchemaFormat
{
    /// <summary>a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>A JSON Schema object; absent means any JSON object.</summary>
    public JsonElement? Schema { get; init; }

    /// <summary>Accepted either way: this server always enforces the schema, or refuses what it cannot enforce.</summary>
    public bool? Strict { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public static class ResponseFormatTypes
{
    public const string Text = "text";
    public const string JsonObject = "json_object";
    public const string JsonSchema = "json_schema";

    public static bool IsSupported(string type) => type is Text or JsonObject or JsonSchema;
}
