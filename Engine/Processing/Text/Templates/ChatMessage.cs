namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Who speaks. Developer is OpenAI's newer name for system and is treated as system.</summary>
public enum ChatRole
{
    System,
    Developer,
    User,
    Assistant,

    /// <summary>A tool's result, answering one of the previous assistant message's calls.</summary>
    Tool,
}

public abstract record ChatContentPart;

public sealed record TextPart(string Text) : ChatContentPart;

/// <summary>An image by its index in the request's list of images (0-based, in the order the caller decoded them).</summary>
public sealed record ImagePart(int ImageIndex) : ChatContentPart;

/// <summary>The engine's view of one message; the API maps its wire DTOs onto this.</summary>
public sealed record ChatMessage(ChatRole Role, IReadOnlyList<ChatContentPart> Parts)
{
    /// <summary>An assistant message's tool calls, rendered after its text.</summary>
    public IReadOnlyList<ToolCallSpec> ToolCalls { get; init; } = [];

    /// <summary>A tool message's function name, when the caller's conversation names it (from the matching call).</summary>
    public string? ToolName { get; init; }

    public static ChatMessage FromText(ChatRole role, string text) => new(role, [new TextPart(text)]);

    internal bool IsSystemLike => Role is ChatRole.System or ChatRole.Developer;
}
