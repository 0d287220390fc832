using System.Security.Cryptography;
using System.Text.Json;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Responses;

namespace FlorenceVL.Api.Responses;

/// <summary>The response object of one request: its echo of the request's settings, then its output and usage.</summary>
public sealed class ResponseBuilder(ResponsesRequest request, string model)
{
    private static readonly JsonElement AutoChoice = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly ResponsesTextConfig TextFormat = new() { Format = new ResponsesTextFormat { Type = ResponseFormatTypes.Text } };

    public string Id { get; } = NewId("resp_");
    public long CreatedAt { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The response before any output: status in_progress, no usage.</summary>
    public ResponseObject InProgress() => new()
    {
        Id = Id,
        CreatedAt = CreatedAt,
        Status = ResponseStatuses.InProgress,
        Instructions = request.Instructions,
        MaxOutputTokens = request.MaxOutputTokens,
        Model = model,
        Output = [],
        ParallelToolCalls = request.ParallelToolCalls ?? true,
        Temperature = request.Temperature ?? 1.0,
        TopP = request.TopP ?? 1.0,
        Text = request.Text?.Format is { } format ? new ResponsesTextConfig { Format = format, Verbosity = request.Text.Verbosity } : TextFormat,
        ToolChoice = request.ToolChoice is { ValueKind: not JsonValueKind.Null } choice ? choice : AutoChoice,
        Tools = request.Tools ?? [],
        User = request.User,
        Metadata = request.Metadata ?? new Dictionary<string, string>(),
    };

    /// <summary>The finished response; a choice cut by max_output_tokens (or the context) makes it incomplete.</summary>
    public ResponseObject Finished(IReadOnlyList<ResponseOutputItem> output, bool cut, CompletionUsage usage) => InProgress() with
    {
        Status = cut ? ResponseStatuses.Incomplete : ResponseStatuses.Completed,
        IncompleteDetails = cut ? new IncompleteDetails("max_output_tokens") : null,
        Output = output,
        Usage = new ResponseUsage
        {
            InputTokens = usage.PromptTokens,
            InputTokensDetails = new ResponseInputTokensDetails
            {
                CachedTokens = usage.PromptTokensDetails.CachedTokens,
                ImageTokens = usage.PromptTokensDetails.ImageTokens,
            },
            OutputTokens = usage.CompletionTokens,
        },
    };

    /// <summary>The output items of a finished choice: its text as one message, or one function_call item per call.</summary>
    public static List<ResponseOutputItem> Items(ChoiceMessage message)
    {
        var status = message.FinishReason == FinishReasons.Length ? ResponseStatuses.Incomplete : ResponseStatuses.Completed;
        if (message.ToolCalls is { } calls)
            return calls.Select(c => FunctionCall(NewId("fc_"), c.Id!, c.Function!.Name!, c.Function.Arguments ?? "", status)).ToList();
        return [Message(NewId("msg_"), message.Content ?? "", status)];
    }

    public static ResponseOutputItem Message(string id, string? text, string status) => new()
    {
        Type = ResponsesTypes.Message,
        Id = id,
        Status = status,
        Role = ChatRole.Assistant,
        Content = text is null ? [] : [new ResponseOutputContent { Text = text }],
    };

    public static ResponseOutputItem FunctionCall(string id, string callId, string name, string arguments, string status) => new()
    {
        Type = ResponsesTypes.FunctionCall,
        Id = id,
        Status = status,
        CallId = callId,
        Name = name,
        Arguments = arguments,
    };

    /// <summary>A prefix and 48 hex digits, like OpenAI's resp_, msg_ and fc_ ids.</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
