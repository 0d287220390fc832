using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Responses;

/// <summary>
/// Body of <c>POST /v1/responses</c> (OpenAI's Responses API), the stateless subset this server implements. Every
/// field is optional on the wire, so every field is nullable; <see cref="ResponsesRequestParser"/> binds it and the
/// Api's translator decides what is required. <see cref="Input"/> and <see cref="ToolChoice"/> take several forms
/// and stay raw here; the parser reads <see cref="Input"/> into <see cref="InputItems"/> or <see cref="InputText"/>.
/// </summary>
public sealed record ResponsesRequest
{
    public string? Model { get; init; }

    /// <summary>A string (one user message) or an array of input items.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>A system message placed before the input.</summary>
    public string? Instructions { get; init; }

    public int? MaxOutputTokens { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public bool? Stream { get; init; }

    /// <summary>Accepted either way (OpenAI's default is true); nothing is kept, and responses say false.</summary>
    public bool? Store { get; init; }

    /// <summary>Refused unless null: this server keeps no responses to continue from.</summary>
    public string? PreviousResponseId { get; init; }

    public IReadOnlyList<ResponsesTool>? Tools { get; init; }

    /// <summary>"none", "auto", "required", or <c>{"type": "function", "name": ...}</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }
    public ResponsesTextConfig? Text { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public string? User { get; init; }

    /// <summary>"disabled" (the default) only: this server does not drop input to make room.</summary>
    public string? Truncation { get; init; }

    /// <summary>Extras to include in the output; only an empty list is accepted.</summary>
    public IReadOnlyList<string>? Include { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }

    /// <summary>The input when it was a string.</summary>
    [JsonIgnore]
    public string? InputText { get; init; }

    /// <summary>The input when it was an array, each item bound.</summary>
    [JsonIgnore]
    public IReadOnlyList<ResponsesInputItem>? InputItems { get; init; }

    [JsonIgnore]
    public bool IsStreaming => Stream == true;
}

/// <summary>
/// One input item, flat: a message (<c>type</c> "message" or absent, with <c>role</c> and <c>content</c>), a
/// <c>function_call</c> the model made earlier, or a <c>function_call_output</c> answering one.
/// </summary>
public sealed record ResponsesInputItem
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Status { get; init; }

    /// <summary>Messages: user, system, developer or assistant.</summary>
    public string? Role { get; init; }

    /// <summary>Messages: a string or an array of content parts.</summary>
    public JsonElement? Content { get; init; }

    /// <summary>Calls and call outputs: the id that ties an output to its call.</summary>
    public string? CallId { get; init; }

    /// <summary>Calls: the function's name and its arguments as JSON text.</summary>
    public string? Name { get; init; }
    public string? Arguments { get; init; }

    /// <summary>Call outputs: a string, or an array of input_text parts.</summary>
    public JsonElement? Output { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary>One part of a message's content: input_text, input_image, output_text (assistant), refusal.</summary>
public sealed record ResponsesContentPart
{
    public string? Type { get; init; }
    public string? Text { get; init; }

    /// <summary>input_image: a data: URL or an http(s) URL.</summary>
    public string? ImageUrl { get; init; }

    /// <summary>input_image: a file id, which this server cannot resolve (it has no files API).</summary>
    public string? FileId { get; init; }

    /// <summary>input_image: "auto", "low" or "high".</summary>
    public string? Detail { get; init; }

    /// <summary>output_text echoed back: accepted and ignored.</summary>
    public JsonElement? Annotations { get; init; }
    public JsonElement? Logprobs { get; init; }

    /// <summary>refusal echoed back.</summary>
    public string? Refusal { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary>A tool in the Responses form: flat, <c>{"type": "function", "name", "description", "parameters", "strict"}</c>.</summary>
public sealed record ResponsesTool
{
    public string? Type { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public JsonElement? Parameters { get; init; }
    public bool? Strict { get; init; }

    /// <summary>Fields of other tool types (built-in tools); a function tool with any is refused.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary><c>text</c>: the output's format, and verbosity (accepted, not used).</summary>
public sealed record ResponsesTextConfig
{
    public ResponsesTextFormat? Format { get; init; }
    public string? Verbosity { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary><c>text.format</c>: text, json_object, or json_schema with the schema's fields flat beside the type.</summary>
public sealed record ResponsesTextFormat
{
    public string? Type { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public JsonElement? Schema { get; init; }
    public bool? Strict { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary>The input item, part and tool types this server knows.</summary>
public static class ResponsesTypes
{
    public const string Message = "message";
    public const string FunctionCall = "function_call";
    public const string FunctionCallOutput = "function_call_output";
    public const string InputText = "input_text";
    public const string InputImage = "input_image";
    public const string OutputText = "output_text";
    public const string Refusal = "refusal";
    public const string Function = "function";
}
