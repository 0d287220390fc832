namespace FlorenceVL.Engine.Inference;

/// <summary>The part of a request the engine refused, in the engine's own terms (the API names it on the wire).</summary>
public enum RequestField
{
    Prompt, Images, Temperature, TopP, TopK, MinP, PresencePenalty, FrequencyPenalty, RepetitionPenalty, N, TopLogprobs,
    StopTokenIds, StopStrings, MaxTokens, ResponseFormat, Tokens,
}

/// <summary>Why the engine refused it.</summary>
public enum RequestErrorKind { BelowMinimum, AboveMaximum, InvalidValue, ContextLengthExceeded, ImageTooLarge }

/// <summary>A number outside its range: the value given and the bound it crossed (exclusive: the bound itself is refused too).</summary>
public sealed record RangeViolation(double Value, double Bound, bool IsExclusive = false);

/// <summary>
/// A request the engine refuses before scheduling anything. It speaks engine vocabulary only (<see cref="Field"/>,
/// <see cref="Kind"/>, <see cref="Range"/>); the API maps it onto OpenAI's 400 error object.
/// </summary>
public sealed class InvalidRequestException(RequestField field, RequestErrorKind kind, string message) : Exception(message)
{
    public RequestField Field { get; } = field;

    public RequestErrorKind Kind { get; } = kind;

    /// <summary>Set for <see cref="RequestErrorKind.BelowMinimum"/> and <see cref="RequestErrorKind.AboveMaximum"/>.</summary>
    public RangeViolation? Range { get; init; }
}
