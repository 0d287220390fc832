namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>What <c>make-dataset shapes</c> generates. The eval split has its own seed stream, so it does not change with NumTrain.</summary>
public sealed record ShapesDatasetOptions(int Seed = 1234, int NumTrain = 4000, int NumEval = 300, int ImageSize = 160, double WordProbability = 0.4)
{
    public void Validate()
    {
        if (NumTrain < 0 || NumEval < 0) throw new ArgumentOutOfRangeException(nameof(NumTrain), "--train and --eval must not be negative.");
        if (ImageSize < 64) throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "--size must be at least 64 pixels.");
        if (WordProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(WordProbability), WordProbability, "must lie in [0, 1].");
    }
}
