using System.Text.Json;

namespace FlorenceVL.Training.Logging;

/// <summary>
/// Reports progress: a one-line progress bar with loss, learning rate and tokens/s on the console (kept on one line,
/// a fresh line every LogEvery steps), and every step appended to <c>log.jsonl</c>.
/// </summary>
public sealed class TrainingLog(string jsonLinesPath, int totalSteps, int logEvery, TextWriter console) : IDisposable
{
    private const int BarWidth = 24;
    private readonly StreamWriter _jsonLines = new(jsonLinesPath, append: true) { AutoFlush = true };

    public void Step(StepRecord record)
    {
        _jsonLines.WriteLine(JsonSerializer.Serialize(record));
        var filled = (int)Math.Round(BarWidth * (double)record.Step / Math.Max(1, totalSteps));
        var bar = new string('#', filled) + new string('.', BarWidth - filled);
        var line = $"\rstep {record.Step}/{totalSteps} [{bar}] loss {record.Loss:F4} lr {record.LearningRate:E2} {record.TokensPerSecond:F0} tok/s";
        console.Write(line);
        if (record.Step % logEvery == 0 || record.Step == totalSteps) console.WriteLine();
    }

    public void Message(string text) => console.WriteLine(text);

    public void Dispose() => _jsonLines.Dispose();
}
