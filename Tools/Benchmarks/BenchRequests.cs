using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using SkiaSharp;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Requests for the facade scenarios: distinct prompts of a chosen length (distinct so the prefix cache never helps
/// where it should not), greedy, ignoring end-of-sequence so every request generates exactly its max tokens.
/// </summary>
internal static class BenchRequests
{
    private static readonly string[] Words =
    [
        "the", "image", "shows", "a", "small", "red", "house", "near", "river", "with", "trees", "and", "people",
        "walking", "along", "road", "under", "blue", "sky", "describe", "what", "you", "see", "in", "detail", "please",
        "count", "cars", "read", "text", "on", "sign", "where", "is", "dog", "sitting", "left", "right", "of", "table",
    ];

    public static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };

    /// <summary>A user message whose rendered prompt (template included) has about <paramref name="promptTokens"/> tokens.</summary>
    public static GenerationRequest Text(LoadedModel loaded, int promptTokens, int maxTokens, int seed) =>
        new([ChatMessage.FromText(ChatRole.User, Sentence(loaded, promptTokens, seed, hasImage: false))], [], Greedy(maxTokens));

    /// <summary>An image followed by a question; the prompt's text part has about <paramref name="textTokens"/> tokens.</summary>
    public static GenerationRequest WithImage(LoadedModel loaded, byte[] image, int textTokens, int maxTokens, int seed) =>
        new([new ChatMessage(ChatRole.User, [new ImagePart(0), new TextPart(Sentence(loaded, textTokens, seed, hasImage: true))])],
            [image], Greedy(maxTokens));

    /// <summary>Random known token ids (for scenarios that drive <see cref="EngineCore"/> directly).</summary>
    public static int[] TokenIds(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(3, 1000)).ToArray();
    }

    /// <summary>A JPEG photo-like picture, different for every seed (gradient, shapes), as a client would send.</summary>
    public static byte[] Jpeg(int seed, int width = 1280, int height = 720)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [RandomColor(random), RandomColor(random), RandomColor(random)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            for (var i = 0; i < 40; i++)
            {
                paint.Color = RandomColor(random);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(10, 120), paint);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static SKColor RandomColor(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static string Sentence(LoadedModel loaded, int targetTokens, int seed, bool hasImage)
    {
        var random = new Random(seed);
        var words = new List<string>();
        // Grow word by word until the rendered prompt reaches the target: the template's own tokens count too.
        while (PromptLength(loaded, words, hasImage) < targetTokens)
            words.Add(Words[random.Next(Words.Length)]);
        return string.Join(' ', words);
    }

    private static int PromptLength(LoadedModel loaded, List<string> words, bool hasImage)
    {
        var text = TextPartOrSpace(words);
        ChatContentPart[] parts = hasImage ? [new ImagePart(0), new TextPart(text)] : [new TextPart(text)];
        var prompt = loaded.Template.RenderPrompt([new ChatMessage(ChatRole.User, parts)]);
        return hasImage ? prompt.Ids.Count - 1 : prompt.Ids.Count; // the image's single placeholder is not text
    }

    private static string TextPartOrSpace(List<string> words) => words.Count == 0 ? " " : string.Join(' ', words);
}
