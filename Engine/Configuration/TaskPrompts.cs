using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>
/// The Florence-2 task prompts whose encoder outputs form the "breadth" features, as BART token ids.
/// Florence-VL fixes three prompts, each padded to one common length and run with no attention mask (pads are attended).
/// A vision tower config may override them with a <c>florencevl_task_prompts</c> object (<c>names</c>, <c>ids</c>).
/// </summary>
public sealed record TaskPrompts(IReadOnlyList<string> Names, IReadOnlyList<IReadOnlyList<int>> Ids)
{
    /// <summary>
    /// Florence-VL's prompts, from its <c>florence_encoder.py</c>: "Describe in detail what is shown in the image.",
    /// "What is the text in the image?", "Locate the objects in the image, with their descriptions."
    /// (BART ids; 0 = &lt;s&gt;, 2 = &lt;/s&gt;, 1 = &lt;pad&gt;).
    /// </summary>
    public static TaskPrompts FlorenceVL { get; } = new(
        ["caption", "ocr", "region"],
        [
            [0, 47066, 21700, 11, 4617, 99, 16, 2343, 11, 5, 2274, 4, 2, 1],
            [0, 2264, 16, 5, 2788, 11, 5, 2274, 116, 2, 1, 1, 1, 1],
            [0, 574, 22486, 5, 8720, 11, 5, 2274, 6, 19, 49, 24173, 4, 2],
        ]);

    public int Count => Ids.Count;
    public int Length => Ids[0].Count;

    public static TaskPrompts? FromJson(JsonObject? json)
    {
        if (json is null) return null;
        var names = (json["names"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray();
        var ids = (json["ids"] as JsonArray)?.Select(row => (IReadOnlyList<int>)row!.AsArray().Select(i => i!.GetValue<int>()).ToArray()).ToArray();
        if (names is null || ids is null || names.Length != ids.Length || ids.Length == 0 || ids.Any(row => row.Count != ids[0].Count))
            throw new ModelConfigException("florencevl_task_prompts needs 'names' and 'ids' of equal count, every id row of one length.");
        return new TaskPrompts(names, ids);
    }
}
