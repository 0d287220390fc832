namespace FlorenceVL.Contracts.Validation;

/// <summary>Server-configurable bounds the validator enforces; OpenAI's fixed bounds are constants in the validator.</summary>
public sealed record ChatRequestLimits
{
    /// <summary>Most choices one request may ask for ("n").</summary>
    public int MaxChoices { get; init; } = 16;

    /// <summary>Largest response_format schema, and largest sum of the tools' parameters schemas, in bytes of JSON.</summary>
    public int MaxSchemaBytes { get; init; } = 65536;
}
