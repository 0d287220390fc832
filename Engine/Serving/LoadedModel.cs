using TorchSharp;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>Everything read from one checkpoint folder: the model, its tokenizer and chat template, and its image preprocessing.</summary>
public sealed record LoadedModel(
    FlorenceVLModel Model,
    FlorenceVLConfig Config,
    ITextTokenizer Tokenizer,
    IChatTemplate Template,
    ImagePreprocessor Preprocessor,
    LoadReport Report) : IDisposable
{
    public static LoadedModel Load(EngineOptions options)
    {
        var placement = new ModelPlacement(ParseDevice(options.Device), options.DType);
        if (options.DType == ScalarType.Float16 && placement.Device.type == DeviceType.CPU)
            throw new ModelConfigException("float16 is supported on CUDA only (half-precision matmuls on CPU are unusably slow): use bfloat16 or float32 on cpu.");
        var tokenizer = TokenizerLoader.FromModelDirectory(options.ModelPath);
        var (model, report) = FlorenceVLModelLoader.Load(options.ModelPath, placement);
        model.eval();
        var template = ChatTemplates.ForModelType(model.Config.ModelType, tokenizer);
        var preprocessor = new ImagePreprocessor(new ImagePreprocessConfig
        {
            ImageSize = model.Config.ImageSize,
            MaxBytes = options.MaxImageBytes,
            MaxPixels = options.MaxImagePixels,
        });
        return new LoadedModel(model, model.Config, tokenizer, template, preprocessor, report);
    }

    public static Device ParseDevice(string device)
    {
        var parsed = device.Trim().ToLowerInvariant();
        if (parsed.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
            throw new ModelConfigException($"Device '{device}' was requested but CUDA is not available (is the CUDA build of TorchSharp installed?).");
        return parsed is "cpu" || parsed.StartsWith("cuda", StringComparison.Ordinal)
            ? new Device(parsed)
            : throw new ModelConfigException($"Device '{device}' is not supported: use cpu, cuda or cuda:N.");
    }

    private readonly Lazy<TokenVocabulary> _constraintVocabulary = new(() => TokenVocabulary.FromTokenizer(
        Tokenizer, Template.StopTokenIds, Config.Text.VocabSize));

    /// <summary>
    /// The tokenizer as the grammar engine sees it (token bytes, a trie, the template's end tokens as EOS), sized to
    /// the logits. Built on the first structured-output request: a 128k vocabulary's trie is not free.
    /// </summary>
    public TokenVocabulary ConstraintVocabulary => _constraintVocabulary.Value;

    private readonly Lazy<ImagePreprocessor> _lowDetail = new(() =>
        new ImagePreprocessor(Preprocessor.Config with { ImageSize = ImageDetailSizes.LowSide(Config) }));

    /// <summary>The preprocessing for an image's <c>detail</c>: low runs at <see cref="ImageDetailSizes.LowSide"/>.</summary>
    public ImagePreprocessor PreprocessorFor(ImageDetail detail) => detail == ImageDetail.Low ? _lowDetail.Value : Preprocessor;

    public int VisualTokensFor(ImageDetail detail) => ImageDetailSizes.VisualTokens(Config, PreprocessorFor(detail).Config.ImageSize);

    public void Dispose() => Model.Dispose();
}
