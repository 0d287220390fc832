namespace FlorenceVL.Contracts.Chat;

/// <summary>The message roles this server accepts, spelled as on the wire.</summary>
public static class ChatRole
{
    public const string System = "system";
    public const string Developer = "developer";
    public const string User = "user";
    public const string Assistant = "assistant";

    /// <summary>A tool's result, answering an assistant message's call by its id.</summary>
    public const string Tool = "tool";

    public static bool IsSupported(string role) => role is System or Developer or User or Assistant or Tool;

    /// <summary>Instruction roles: OpenAI treats developer as the newer name of system.</summary>
    public static bool IsInstruction(string role) => role is System or Developer;
}
