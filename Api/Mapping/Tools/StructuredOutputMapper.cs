using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Api.Mapping;

/// <summary>The tools the template shows, the grammar the choices follow and how their text reads back.</summary>
public sealed record StructuredOutput(IReadOnlyList<ToolSpec> Tools, OutputConstraint? Constraint, OutputPlan Plan);

/// <summary>
/// response_format, tools and tool_choice (already validated for shape) to the engine's constraint. Grammars come
/// from the shared <see cref="GrammarCache"/>, compiled here on the request's thread so a new schema never stalls
/// the engine's batch. A schema the grammar engine cannot enforce is a 400 naming the keyword and where it is.
/// </summary>
public static class StructuredOutputMapper
{
    public static StructuredOutput Map(ChatCompletionRequest request, ToolCallFormat format, GrammarCache grammars)
    {
        var tools = (request.Tools ?? []).Select(tool => ToSpec(tool.Function!)).ToList();
        var mode = ModeOf(request, tools.Count);
        var plan = new OutputPlan(mode, mode == ToolCallMode.Named ? request.ToolChoice!.FunctionName : null, format);
        var formatType = request.ResponseFormat?.Type ?? ResponseFormatTypes.Text;
        if (mode == ToolCallMode.Auto && formatType != ResponseFormatTypes.Text)
            throw OpenAIRequestException.Invalid(
                $"'response_format' of type '{formatType}' cannot be combined with tool_choice 'auto' on this server: an answer "
                + "is either a call or content, and only the call is constrained then. Use tool_choice 'none', 'required' or "
                + "a named function, or leave response_format out.", "response_format", OpenAIErrorCodes.UnsupportedValue);
        if (mode == ToolCallMode.None)
            return new StructuredOutput([], ContentConstraint(request.ResponseFormat, grammars), plan);
        // Each tool alone first: a refusal then names the tool's own path, not one inside the combined call schema.
        for (var i = 0; i < tools.Count; i++)
            Compile(grammars, tools[i].ParametersJson, $"tools[{i}].function.parameters");
        var constraint = mode switch
        {
            ToolCallMode.Named => new OutputConstraint(Compile(grammars, tools.First(t => t.Name == plan.NamedFunction).ParametersJson, "tool_choice")),
            ToolCallMode.Required => new OutputConstraint(Compile(grammars, CallsSchema(request, tools, format), "tools")),
            _ => new OutputConstraint(Compile(grammars, CallsSchema(request, tools, format), "tools"),
                new OutputTrigger(format.OpeningByte, format.TriggerTokenId)),
        };
        return new StructuredOutput(tools, constraint, plan);
    }

    private static ToolCallMode ModeOf(ChatCompletionRequest request, int numTools)
    {
        if (numTools == 0) return ToolCallMode.None;
        return request.ToolChoice switch
        {
            null => ToolCallMode.Auto,
            { IsNamedFunction: true } => ToolCallMode.Named,
            { Mode: ToolChoiceModes.None } => ToolCallMode.None,
            { Mode: ToolChoiceModes.Required } => ToolCallMode.Required,
            _ => ToolCallMode.Auto,
        };
    }

    private static string CallsSchema(ChatCompletionRequest request, IReadOnlyList<ToolSpec> tools, ToolCallFormat format) =>
        ToolCallSchema.ForCalls(tools, format, parallel: request.ParallelToolCalls ?? true);

    private static OutputConstraint? ContentConstraint(ResponseFormat? responseFormat, GrammarCache grammars) => responseFormat?.Type switch
    {
        ResponseFormatTypes.JsonObject => new OutputConstraint(grammars.JsonObject()),
        ResponseFormatTypes.JsonSchema when responseFormat.JsonSchema!.Schema is { } schema =>
            new OutputConstraint(Compile(grammars, schema.GetRawText(), "response_format.json_schema.schema")),
        ResponseFormatTypes.JsonSchema => new OutputConstraint(grammars.JsonObject()),
        _ => null,
    };

    /// <summary>A validated wire function as the chat template and the call grammar take it.</summary>
    public static ToolSpec ToSpec(FunctionDefinition function) => new(
        function.Name!,
        function.Description,
        function.Parameters is { ValueKind: JsonValueKind.Object } parameters ? parameters.GetRawText() : ToolSpec.NoParametersJson);

    private static CompiledGrammar Compile(GrammarCache grammars, string schemaJson, string param)
    {
        try
        {
            return grammars.GetOrCompile(schemaJson);
        }
        catch (UnsupportedSchemaException e)
        {
            throw OpenAIRequestException.Invalid($"Invalid schema for '{param}': {e.Message}", param, OpenAIErrorCodes.InvalidValue);
        }
    }
}
