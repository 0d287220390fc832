using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Training.Modeling;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Data;

/// <summary>Turns examples into a <see cref="TrainingBatch"/>: decodes and preprocesses their images exactly as serving does.</summary>
public sealed class BatchCollator(ImagePreprocessor preprocessor)
{
    public TrainingBatch Collate(IReadOnlyList<TrainingExample> examples)
    {
        var images = examples.Where(e => e.ImagePath is not null).Select(e => Preprocess(e)).ToList();
        if (images.Count == 0) return new TrainingBatch(examples, null);
        var hashes = images.Select(i => i.ContentHash).ToArray();
        var size = preprocessor.Config.ImageSize;
        var pixels = new float[images.Count * 3 * size * size];
        for (var i = 0; i < images.Count; i++) images[i].PixelValues.CopyTo(pixels, i * 3 * size * size);
        return new TrainingBatch(examples, tensor(pixels, [images.Count, 3, size, size])) { ImageHashes = hashes };
    }

    private PreprocessedImage Preprocess(TrainingExample example)
    {
        try
        {
            return preprocessor.Preprocess(File.ReadAllBytes(example.ImagePath!));
        }
        catch (Exception e) when (e is ImageInputException or IOException)
        {
            throw new InvalidDataException($"record '{example.Id}': image '{example.ImagePath}' cannot be used: {e.Message}", e);
        }
    }
}
