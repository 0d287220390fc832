using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Evaluation;

/// <summary>
/// Greedy answers through the Engine's serving path (chat template, image preprocessing, EncodeImages, splice,
/// paged decoder), so evaluation scores what the server would answer. Visual embeddings are kept per image file,
/// since a dataset asks several questions about each image.
/// </summary>
public sealed class AnswerGenerator(FlorenceVLModel model, IChatTemplate template, ITextTokenizer tokenizer, ImagePreprocessor preprocessor) : IDisposable
{
    private readonly Dictionary<string, Tensor> _visualByImage = new(StringComparer.Ordinal);

    public string Answer(IReadOnlyList<ChatMessage> prompt, string? imagePath, int maxNewTokens)
    {
        using var pause = CollectionPause.Begin(); // TorchSharp#1434: no collection while libtorch may read a temporary Scalar
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var expanded = template.RenderPrompt(prompt).ExpandImages(ImageDetailSizes.VisualTokens(model.Config, preprocessor.Config.ImageSize));
        var images = expanded.Images.Select(span => (span.Offset, Visual(imagePath ?? throw new InvalidDataException("the prompt has an image but the record names none.")))).ToList();
        var embeds = model.EmbedWithImages(tensor(expanded.Ids.Select(i => (long)i).ToArray()), images);
        using var decoder = new SingleSequenceDecoder(model.LanguageModel, expanded.Ids.Count + maxNewTokens);
        var logits = decoder.Append(embeds);
        var ids = decoder.Greedy(logits[-1], maxNewTokens, template.StopTokenIds.ToHashSet());
        return tokenizer.Decode(ids.Where(id => !template.StopTokenIds.Contains(id)), skipSpecialTokens: true);
    }

    private Tensor Visual(string imagePath)
    {
        if (_visualByImage.TryGetValue(imagePath, out var cached)) return cached;
        var image = preprocessor.Preprocess(File.ReadAllBytes(imagePath));
        using var pixels = image.ToTensor().unsqueeze(0);
        var visual = model.EncodeImages(pixels)[0].DetachFromDisposeScope();                 // [N, hidden]
        _visualByImage[imagePath] = visual;
        return visual;
    }

    public void Dispose()
    {
        foreach (var visual in _visualByImage.Values) visual.Dispose();
        _visualByImage.Clear();
    }
}
