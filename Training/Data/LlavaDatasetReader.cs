using System.Text.Json;

namespace FlorenceVL.Training.Data;

/// <summary>The examples that loaded, and the bad records skipped (only with skip-bad).</summary>
public sealed record LoadedDataset(IReadOnlyList<TrainingExample> Examples, IReadOnlyList<BadRecordException> Skipped);

/// <summary>One array element of a dataset file: the record, or why it could not be read as one.</summary>
public sealed record RawRecord(int Index, string? Id, LlavaRecord? Record, string? ParseProblem);

/// <summary>
/// Reads LLaVA conversation JSON (an array of {id, image, conversations}) and tokenizes every record up front, so a
/// bad record fails the run before training starts, with an error naming it; with <c>skipBad</c> it is counted instead.
/// </summary>
public static class LlavaDatasetReader
{
    public static IReadOnlyList<RawRecord> ReadRecords(string jsonPath)
    {
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"Dataset file '{jsonPath}' not found.", jsonPath);
        using var stream = File.OpenRead(jsonPath);
        using var document = JsonDocument.Parse(stream);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new BadRecordException(jsonPath, 0, null, "the file must hold a JSON array of records.");
        return document.RootElement.EnumerateArray().Select(ParseRecord).ToList();
    }

    public static LoadedDataset Load(DatasetSource source, ExampleEncoder encoder, bool skipBad)
    {
        var examples = new List<TrainingExample>();
        var skipped = new List<BadRecordException>();
        foreach (var raw in ReadRecords(source.JsonPath))
        {
            try
            {
                examples.Add(Encode(source, encoder, raw));
            }
            catch (BadRecordException e) when (skipBad)
            {
                skipped.Add(e);
            }
        }
        return new LoadedDataset(examples, skipped);
    }

    /// <summary>The record's image path, checked to exist, or a <see cref="BadRecordException"/>.</summary>
    public static string? ResolveImage(DatasetSource source, LlavaRecord record, BadRecordProblem problem)
    {
        if (record.Image is null) return null;
        var imagePath = Path.Combine(source.ImageFolder, record.Image);
        return File.Exists(imagePath) ? imagePath : throw problem($"image '{record.Image}' not found (looked for {imagePath}).");
    }

    private static TrainingExample Encode(DatasetSource source, ExampleEncoder encoder, RawRecord raw)
    {
        BadRecordException Problem(string problem) => new(source.JsonPath, raw.Index, raw.Id, problem);
        if (raw.Record is not { } record) throw Problem(raw.ParseProblem ?? "unreadable record.");
        if (string.IsNullOrEmpty(record.Id)) throw Problem("has no 'id'.");
        return encoder.Encode(record, ResolveImage(source, record, Problem), Problem);
    }

    private static RawRecord ParseRecord(JsonElement element, int index)
    {
        var id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idElement) ? idElement.ToString() : null;
        try
        {
            var record = element.Deserialize<LlavaRecord>();
            return record is null ? new RawRecord(index, id, null, "is null.") : new RawRecord(index, id, record, null);
        }
        catch (JsonException e)
        {
            return new RawRecord(index, id, null, $"is not a LLaVA record: {e.Message}");
        }
    }
}
