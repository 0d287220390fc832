using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Serving;

/// <summary>A request turned into what the scheduler takes: expanded prompt ids, image spans with their pixels, final sampling settings.</summary>
public sealed record PreparedRequest(
    IReadOnlyList<int> PromptTokenIds,
    IReadOnlyList<SequenceImage> Images,
    IReadOnlyList<PreprocessedImage> Pixels,
    SamplingParams Sampling)
{
    /// <summary>The grammar each choice follows; null for free text.</summary>
    public OutputConstraint? Output { get; init; }

    public int NumImageTokens => Images.Sum(i => i.Length);

    /// <summary>
    /// Renders the chat template, expands each image to the model's visual tokens, preprocesses the images (which
    /// refuses bad ones with a typed error) and validates the sampling settings, all before scheduling.
    /// </summary>
    public static PreparedRequest Create(GenerationRequest request, LoadedModel loaded)
    {
        // An image sent by id keeps the size its features were computed at (the native one); detail applies to pixels.
        ImageDetail DetailOf(int image) =>
            request.StoredImages.ContainsKey(image) ? ImageDetail.Auto : ImageDetailSizes.At(request.ImageDetails, image);
        var prompt = loaded.Template.RenderPrompt(request.Messages, tools: request.Tools)
            .ExpandImages(image => loaded.VisualTokensFor(DetailOf(image)));
        var pixels = new List<PreprocessedImage>();
        var images = new List<SequenceImage>();
        foreach (var span in prompt.Images)
        {
            if (span.ImageIndex < 0 || span.ImageIndex >= request.Images.Count)
                throw new InvalidRequestException(RequestField.Images, RequestErrorKind.InvalidValue, $"Image part {span.ImageIndex} has no image data.");
            var image = request.StoredImages.TryGetValue(span.ImageIndex, out var stored)
                ? PreprocessedImage.FromStoredFeatures(stored.ContentHash, loaded.Preprocessor.Config.ImageSize)
                : loaded.PreprocessorFor(DetailOf(span.ImageIndex)).Preprocess(request.Images[span.ImageIndex].Span);
            pixels.Add(image);
            images.Add(new SequenceImage(image.ContentHash, span.Offset, span.Length));
        }
        // The template's end tokens are the model's EOS (vLLM reads them from generation_config's eos_token_id), so
        // ignore_eos must ignore them too; only the client's own stop ids stay.
        var sampling = request.Sampling.IgnoreEos ? request.Sampling : request.Sampling with
        {
            StopTokenIds = request.Sampling.StopTokenIds.Concat(loaded.Template.StopTokenIds).Distinct().ToArray(),
        };
        sampling.ValidateSettings(); // the scheduler checks the length against its context when it queues the sequence
        if (request.Output is not null && request.Sampling.IgnoreEos)
            throw new InvalidRequestException(RequestField.ResponseFormat, RequestErrorKind.InvalidValue,
                "ignore_eos cannot be combined with a structured output: a finished document can only end with EOS.");
        return new PreparedRequest(prompt.Ids, images, pixels, sampling) { Output = request.Output };
    }
}
