using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>OpenAI's "stop": one string or an array of strings. The converter writes back the form that was read.</summary>
[JsonConverter(typeof(StopSequencesConverter))]
public sealed record StopSequences
{
    private StopSequences(IReadOnlyList<string> values, bool isSingleString) =>
        (Values, IsSingleString) = (values, isSingleString);

    public IReadOnlyList<string> Values { get; }

    /// <summary>True when the wire form was a bare string rather than an array.</summary>
    public bool IsSingleString { get; }

    public static StopSequences FromString(string value) => new([value], isSingleString: true);
    public static StopSequences FromArray(IReadOnlyList<string> values) => new(values, isSingleString: false);
}
