namespace FlorenceVL.Training.Data;

/// <summary>A dataset record that cannot be trained on; the message names the file, the record's position and its id.</summary>
public sealed class BadRecordException(string source, int index, string? id, string problem)
    : Exception($"{source}: record #{index} (id '{id ?? "?"}'): {problem}")
{
    public string DatasetPath { get; } = source;
    public int Index { get; } = index;
    public string? RecordId { get; } = id;
    public string Problem { get; } = problem;
}
