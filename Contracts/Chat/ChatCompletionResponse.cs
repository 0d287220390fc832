using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>Non-streaming answer of <c>POST /v1/chat/completions</c> ("object": "chat.completion").</summary>
public sealed record ChatCompletionResponse
{
    /// <summary>"chatcmpl-" followed by a unique suffix; see <see cref="CompletionIds"/>.</summary>
    public required string Id { get; init; }
    public string Object { get; init; } = "chat.completion";

    /// <summary>Unix time in seconds.</summary>
    public required long Created { get; init; }
    public required string Model { get; init; }
    public string? SystemFingerprint { get; init; }
    public required IReadOnlyList<ChatChoice> Choices { get; init; }
    public required CompletionUsage Usage { get; init; }
}

public sealed record ChatChoice
{
    public required int Index { get; init; }
    public required AssistantMessage Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChoiceLogprobs? Logprobs { get; init; }

    /// <summary>"stop" or "length"; see <see cref="FinishReasons"/>.</summary>
    public required string FinishReason { get; init; }
}

public sealed record AssistantMessage
{
    public string Role { get; init; } = ChatRole.Assistant;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required string? Content { get; init; }

    /// <summary>Always null: this server never refuses through the model; OpenAI sends the key regardless.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Refusal { get; init; }

    /// <summary>The calls of a "tool_calls" finish; absent otherwise.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
}

public static class FinishReasons
{
    /// <summary>The model emitted an end-of-sequence token or a stop sequence matched.</summary>
    public const string Stop = "stop";

    /// <summary>max_tokens (or the context window) was reached.</summary>
    public const string Length = "length";

    /// <summary>The answer is one or more tool calls.</summary>
    public const string ToolCalls = "tool_calls";
}

public static class CompletionIds
{
    /// <summary>A fresh id in OpenAI's form: "chatcmpl-" and 29 alphanumeric characters.</summary>
    public static string NewChatCompletionId() => "chatcmpl-" + RandomAlphanumeric(29);

    /// <summary>A fresh tool call id: "call_" and 24 alphanumeric characters.</summary>
    public static string NewToolCallId() => "call_" + RandomAlphanumeric(24);

    private static string RandomAlphanumeric(int length) =>
        System.Security.Cryptography.RandomNumberGenerator.GetString(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
}
