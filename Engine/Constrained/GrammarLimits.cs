namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Bounds on schemas (what a request may send) and on generated values (so every value the grammar allows can
/// end: no endless string or digit run). Defaults are generous; see README.md.
/// </summary>
public sealed record GrammarLimits
{
    /// <summary>Deepest nesting of schema objects the compiler walks before refusing the schema.</summary>
    public int MaxSchemaDepth { get; init; } = 32;

    /// <summary>Most schema objects (every subschema counts once) a schema may hold.</summary>
    public int MaxSchemaNodes { get; init; } = 2_000;

    /// <summary>Most UTF-8 bytes of content inside one generated string (escapes count as their text).</summary>
    public int MaxStringBytes { get; init; } = 8_192;

    /// <summary>Most digits before the decimal point (15 keeps every integer exact in a double).</summary>
    public int MaxIntegerDigits { get; init; } = 15;

    public int MaxFractionDigits { get; init; } = 15;

    /// <summary>Two exponent digits keep every number inside double's range.</summary>
    public int MaxExponentDigits { get; init; } = 2;

    /// <summary>Deepest nesting of generated values (recursive schemas); past it only non-container alternatives remain.</summary>
    public int MaxValueDepth { get; init; } = 32;

    public static GrammarLimits Default { get; } = new();
}
