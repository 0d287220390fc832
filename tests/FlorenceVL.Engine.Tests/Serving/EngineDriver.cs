using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

/// <summary>A request's outcome as the API would see it: text and finish reason per choice, plus usage facts.</summary>
internal sealed record Completion(IReadOnlyList<string> Texts, IReadOnlyList<FinishReason> Reasons, int PromptTokens, int CachedTokens,
    IReadOnlyList<TextDelta> Deltas);

internal static class EngineDriver
{
    public static GenerationRequest Request(string question, IReadOnlyList<byte[]> images, SamplingParams sampling)
    {
        var parts = new List<ChatContentPart>();
        for (var i = 0; i < images.Count; i++) parts.Add(new ImagePart(i));
        parts.Add(new TextPart(question));
        return new GenerationRequest([new ChatMessage(ChatRole.User, parts)], images.Select(b => (ReadOnlyMemory<byte>)b).ToArray(), sampling);
    }

    public static async Task<Completion> RunAsync(IInferenceEngine engine, GenerationRequest request, CancellationToken ct = default)
    {
        await using var generation = await engine.StartAsync(request, ct);
        var n = request.Sampling.N;
        var texts = Enumerable.Range(0, n).Select(_ => new System.Text.StringBuilder()).ToArray();
        var reasons = new FinishReason[n];
        var deltas = new List<TextDelta>();
        var cached = 0;
        await foreach (var e in generation.ReadAllAsync(ct))
        {
            if (e is TextDelta d) { texts[d.ChoiceIndex].Append(d.Text); deltas.Add(d); }
            if (e is ChoiceFinished f) { reasons[f.ChoiceIndex] = f.Reason; cached = f.NumCachedTokens; }
        }
        return new Completion(texts.Select(t => t.ToString()).ToArray(), reasons, generation.NumPromptTokens, cached, deltas);
    }

    /// <summary>Gauges are published by the engine thread just after it reports events: poll briefly instead of racing it.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), $"expected: {what}");
    }
}
