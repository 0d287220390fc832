using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// The "response_format" part of <see cref="ChatRequestValidator"/>: wire shape only. Whether the engine can
/// enforce a schema's keywords is the engine's decision, made when it compiles the schema.
/// </summary>
internal static class ResponseFormatValidator
{
    private const string Param = "response_format";
    private const string TypeParam = "response_format.type";
    private const string SchemaFormatParam = "response_format.json_schema";
    private const string SupportedTypes = "'text', 'json_object', and 'json_schema'";

    public static void Validate(List<RequestError> errors, ChatCompletionRequest request, int maxSchemaBytes)
    {
        if (request.ResponseFormat is not { } format)
            return;
        UnrecognizedFieldPolicy.CheckStrict(errors, Param, format.UnrecognizedFields);
        if (format.Type is null)
        {
            errors.Add(ChatRequestValidator.Missing(TypeParam));
            return;
        }
        switch (format.Type)
        {
            case ResponseFormatTypes.JsonObject:
                RequireJsonMention(errors, request.Messages);
                break;
            case ResponseFormatTypes.JsonSchema:
                ValidateJsonSchema(errors, format.JsonSchema, maxSchemaBytes);
                break;
            case ResponseFormatTypes.Text:
                break;
            default:
                errors.Add(new RequestError(
                    $"Invalid value for '{TypeParam}': '{format.Type}'. Supported values are: {SupportedTypes}.",
                    TypeParam, OpenAIErrorCodes.InvalidValue));
                break;
        }
    }

    private static void ValidateJsonSchema(List<RequestError> errors, JsonSchemaFormat? schemaFormat, int maxSchemaBytes)
    {
        if (schemaFormat is null)
        {
            errors.Add(ChatRequestValidator.Missing(SchemaFormatParam));
            return;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, SchemaFormatParam, schemaFormat.UnrecognizedFields);
        SchemaRules.CheckName(errors, JsonPath.Property(SchemaFormatParam, "name"), schemaFormat.Name);
        var schemaParam = JsonPath.Property(SchemaFormatParam, "schema");
        var bytes = SchemaRules.CheckSchemaObject(errors, schemaParam, schemaFormat.Schema);
        if (bytes > maxSchemaBytes)
            errors.Add(SchemaRules.TooLarge(schemaParam, "the schema", bytes, maxSchemaBytes));
    }

    /// <summary>
    /// OpenAI's rule, kept because it is sound: without being asked for JSON, a model forced into JSON mode tends to
    /// emit whitespace until max_tokens. Any text of any message counts, as on api.openai.com.
    /// </summary>
    private static void RequireJsonMention(List<RequestError> errors, IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is not { Count: > 0 } || messages.Any(MentionsJson))
            return;
        errors.Add(new RequestError(
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
            "messages", OpenAIErrorCodes.InvalidValue));
    }

    private static bool MentionsJson(ChatMessage? message) =>
        message?.Content is { } content
        && (Contains(content.Text) || (content.Parts?.OfType<TextPart>().Any(part => Contains(part.Text)) ?? false));

    private static bool Contains(string? text) => text?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
}
