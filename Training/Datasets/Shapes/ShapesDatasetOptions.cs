namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// What <c>make-dataset shapes</c> generates. The eval split has its own seed stream, so it does not change with NumTrain.
/// WordScale is the word's font size over the image side: at 0.18 (the default model's data) a capital is about 20 pixels
/// wide on a 160-pixel image, which the tiny tower reads; at 0.12 (14 pixels) it read the word's length but not its letters.
/// Varied (--varied) draws the training split's images (1 - ClassicShare of them) with SceneStyle.Training and adds
/// TextOnlyShare x NumTrain text-only conversations; NumOod (--ood N) writes the out-of-distribution eval split, NumLetters
/// (--letters N) a training split of lone capitals (SceneStyle.Letters). All three
/// leave the classic eval split (stage2_eval.json) as it was.
/// </summary>
public sealed record ShapesDatasetOptions(int Seed = 1234, int NumTrain = 4000, int NumEval = 300, int ImageSize = 160, double WordProbability = 0.4,
    double WordScale = 0.18, bool Varied = false, int NumOod = 0, double ClassicShare = 0.4, double TextOnlyShare = 0.04,
    int NumLetters = 0)
{
    public void Validate()
    {
        if (NumLetters < 0) throw new ArgumentOutOfRangeException(nameof(NumLetters), NumLetters, "--letters must not be negative.");
        if (NumOod < 0) throw new ArgumentOutOfRangeException(nameof(NumOod), NumOod, "--ood must not be negative.");
        if (ClassicShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(ClassicShare), ClassicShare, "--classic-share must lie in [0, 1].");
        if (TextOnlyShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(TextOnlyShare), TextOnlyShare, "--text-only must lie in [0, 1].");
        if (NumTrain < 0 || NumEval < 0) throw new ArgumentOutOfRangeException(nameof(NumTrain), "--train and --eval must not be negative.");
        if (ImageSize < 64) throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "--size must be at least 64 pixels.");
        if (WordProbability is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(WordProbability), WordProbability, "must lie in [0, 1].");
        if (WordScale is < 0.05 or > 0.25) throw new ArgumentOutOfRangeException(nameof(WordScale), WordScale, "--word-scale (font size over image side) must lie in [0.05, 0.25].");
    }
}
