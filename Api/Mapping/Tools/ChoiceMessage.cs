using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Processing.Text;
using EngineFinish = FlorenceVL.Engine.Inference.FinishReason;

namespace FlorenceVL.Api.Mapping;

/// <summary>A finished choice as OpenAI shows it: content, or calls with ids, and the finish reason.</summary>
public sealed record ChoiceMessage(string? Content, IReadOnlyList<ToolCall>? ToolCalls, string FinishReason)
{
    /// <summary>
    /// Reads a choice's whole text by the request's <see cref="OutputPlan"/>. A named call's text is its arguments
    /// (a cut one too, as OpenAI returns it with finish_reason "length"); required and auto answers are parsed in
    /// the model's call format, and text that is not a whole call document stays content (an auto answer in prose,
    /// or a call cut by max_tokens).
    /// </summary>
    public static ChoiceMessage Read(OutputPlan plan, string text, EngineFinish reason)
    {
        var finish = FinishReasonMapper.Map(reason);
        if (plan.Calls == ToolCallMode.Named)
            return new ChoiceMessage(null, [NewCall(plan.NamedFunction!, text.Trim())], reason == EngineFinish.Stop ? FinishReasons.ToolCalls : finish);
        if (plan.Calls == ToolCallMode.None || ToolCallParser.Parse(text, plan.Format) is not { } calls)
            return new ChoiceMessage(text, null, finish);
        return new ChoiceMessage(null, calls.Select(c => NewCall(c.Name, c.ArgumentsJson)).ToList(),
            reason == EngineFinish.Stop ? FinishReasons.ToolCalls : finish);
    }

    public static ToolCall NewCall(string name, string argumentsJson) => new()
    {
        Id = CompletionIds.NewToolCallId(),
        Type = ToolTypes.Function,
        Function = new FunctionCall { Name = name, Arguments = argumentsJson },
    };

    public AssistantMessage ToAssistantMessage() => new() { Content = Content, ToolCalls = ToolCalls };
}
