using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>A checkpoint folder loaded as the server loads it: model, tokenizer, chat template and image preprocessor.</summary>
public sealed record LoadedModel(FlorenceVLModel Model, ITextTokenizer Tokenizer, IChatTemplate Template, ImagePreprocessor Preprocessor)
{
    public static LoadedModel Load(string directory, ModelPlacement placement)
    {
        var (model, _) = FlorenceVLModelLoader.Load(directory, placement);
        var tokenizer = TokenizerLoader.FromModelDirectory(directory);
        var template = ChatTemplates.ForModelType(model.Config.ModelType, tokenizer);
        return new LoadedModel(model, tokenizer, template, new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = model.Config.ImageSize }));
    }

    public static ModelPlacement Placement(string device, string dtype) => new(
        new Device(device),
        dtype switch
        {
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            _ => throw new ArgumentException($"dtype '{dtype}' is not supported for training (float32 or bfloat16).", nameof(dtype)),
        });
}
