namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// The settings of the varied generator (issue 18: the model read only the classic scenes' centred black word on a
/// 160-pixel image). <see cref="Training"/> is what <c>make-dataset shapes --varied</c> mixes into training;
/// <see cref="OutOfDistribution"/> writes the <c>stage2_eval_ood.json</c> split with settings training never uses.
/// </summary>
/// <param name="Sizes">The image sides a scene may have (the model resizes every image, as it does a user's).</param>
/// <param name="WordOnlyShare">The share of images that hold a word and no shapes.</param>
/// <param name="WordProbability">The share of the other images (with shapes) that also hold a word.</param>
/// <param name="WordOnlyScale">Font size over image side of a word-only image, uniform in this range (a long word is drawn no larger than fits).</param>
/// <param name="WithShapesScale">The same for a word among shapes, which must leave the quadrants room.</param>
/// <param name="Backgrounds">Background colours; <see cref="Inks"/> the word's colours (black and dark ones).</param>
/// <param name="UnseenWordShare">The share of words drawn from the held-out words and strings (0 in training).</param>
/// <param name="RandomStringShare">The share of words that are random letter strings rather than English words.</param>
/// <param name="MinStringLength">The fewest letters of a random string (training's go down to one letter).</param>
/// <param name="MaxStringLength">The most letters of a random string.</param>
public sealed record SceneStyle(
    IReadOnlyList<int> Sizes,
    double WordOnlyShare,
    double WordProbability,
    (double Min, double Max) WordOnlyScale,
    (double Min, double Max) WithShapesScale,
    IReadOnlyList<Rgb> Backgrounds,
    IReadOnlyList<Rgb> Inks,
    double UnseenWordShare,
    double RandomStringShare,
    int MinStringLength = 3,
    int MaxStringLength = 7)
{
    /// <summary>Training: sides 96-512 on multiples of 16, white, greys and light tints, black and five dark inks, seen words only.</summary>
    public static SceneStyle Training { get; } = new(
        Enumerable.Range(6, 27).Select(i => i * 16).ToArray(),
        WordOnlyShare: 0.35,
        WordProbability: 0.5,
        WordOnlyScale: (0.10, 0.25),
        WithShapesScale: (0.10, 0.20),
        Backgrounds: [new(255, 255, 255), new(225, 225, 225), new(240, 240, 240), new(200, 200, 200), new(255, 248, 220), new(230, 240, 255), new(235, 250, 235)],
        Inks: [new(0, 0, 0), new(40, 40, 40), new(20, 20, 100), new(110, 15, 15), new(15, 80, 15), new(80, 50, 20)],
        UnseenWordShare: 0,
        RandomStringShare: 0.4,
        MinStringLength: 1);

    /// <summary>
    /// Letters: word-only images of one to three random capitals, large (0.15-0.30 of the side), anywhere, on training's
    /// sizes, backgrounds and inks. What each capital looks like is the first thing reading needs, and a lone capital
    /// teaches it with nothing else in the answer to guess from; <c>--letters N</c> writes them as their own split.
    /// </summary>
    public static SceneStyle Letters { get; } = Training with
    {
        WordOnlyShare = 1,
        WordOnlyScale = (0.15, 0.30),
        RandomStringShare = 1,
        MinStringLength = 1,
        MaxStringLength = 3,
    };

    /// <summary>
    /// Out of distribution: sides 100-500 that are not multiples of 16 (training's are), other greys and tints (white kept:
    /// the black word on white), other dark inks (black kept), and 70% of words held out.
    /// </summary>
    public static SceneStyle OutOfDistribution { get; } = new(
        Enumerable.Range(100, 401).Where(s => s % 16 != 0 && s % 4 == 0).ToArray(),
        WordOnlyShare: 0.5,
        WordProbability: 0.6,
        WordOnlyScale: (0.10, 0.25),
        WithShapesScale: (0.10, 0.20),
        Backgrounds: [new(255, 255, 255), new(212, 212, 212), new(248, 232, 232), new(245, 245, 215), new(220, 235, 245)],
        Inks: [new(0, 0, 0), new(60, 60, 60), new(60, 20, 90), new(10, 70, 80)],
        UnseenWordShare: 0.7,
        RandomStringShare: 0.25);
}

/// <summary>
/// Draws varied scenes. A word-only image puts its word anywhere it fits (its ink at least 4 pixels from each edge); a
/// word among shapes takes a horizontal band whose centre moves up to 6% of the side from the middle, with the word
/// anywhere along it, and each object keeps to its quadrant clear of the band (so top/bottom and left/right stay exact).
/// </summary>
public sealed class VariedSceneSampler(SceneStyle style)
{
    private const float Margin = 4f;

    public Scene Sample(Random random)
    {
        var size = style.Sizes[random.Next(style.Sizes.Count)];
        var background = style.Backgrounds[random.Next(style.Backgrounds.Count)];
        if (random.NextDouble() < style.WordOnlyShare)
            return new Scene(size, false, [], SampleWord(random, size, style.WordOnlyScale, bandOnly: false), background);
        var word = random.NextDouble() < style.WordProbability ? SampleWord(random, size, style.WithShapesScale, bandOnly: true) : null;
        var (bandTop, bandBottom) = word is null ? (size / 2f, size / 2f) : (word.CenterY - word.FontSize * 0.75f, word.CenterY + word.FontSize * 0.75f);
        var count = random.Next(1, 5);
        var quadrants = Enumerable.Range(0, 4).OrderBy(_ => random.Next()).Take(count).ToArray();
        var used = new HashSet<(ShapeKind, string)>();
        var objects = new List<SceneObject>(count);
        foreach (var quadrant in quadrants)
        {
            ShapeKind shape;
            ShapeColor color;
            do
            {
                shape = (ShapeKind)random.Next(3);
                color = ShapeColor.All[random.Next(ShapeColor.All.Count)];
            } while (!used.Add((shape, color.Name)));
            objects.Add(Place(random, size, shape, color, quadrant, bandTop, bandBottom));
        }
        return new Scene(size, false, objects, word, background);
    }

    /// <summary>The text: held out with UnseenWordShare, a random string with RandomStringShare, else an English word.</summary>
    public string SampleText(Random random)
    {
        var heldOut = random.NextDouble() < style.UnseenWordShare;
        if (random.NextDouble() < style.RandomStringShare) return WordVocabulary.RandomString(random, heldOut, style.MinStringLength, style.MaxStringLength);
        var words = heldOut ? WordVocabulary.HeldOutWords : WordVocabulary.TrainingWords;
        return words[random.Next(words.Count)];
    }

    private SceneWord SampleWord(Random random, int size, (double Min, double Max) scale, bool bandOnly)
    {
        var text = SampleText(random);
        var ink = style.Inks[random.Next(style.Inks.Count)];
        // The ink box scales with the font size; measure it at one size to know the largest that fits, then draw below that.
        const float reference = 100f;
        var probe = SceneRenderer.WordInkBounds(new SceneWord(text, 0, 0, reference));
        var fits = (size - 2 * Margin) / probe.Width * reference * 0.98f;
        var high = Math.Min((float)(scale.Max * size), fits);
        var low = Math.Min((float)(scale.Min * size), high);
        var fontSize = low + (high - low) * (float)random.NextDouble();
        var ratio = fontSize / reference;
        var (left, right, top, bottom) = (probe.Left * ratio, probe.Right * ratio, probe.Top * ratio, probe.Bottom * ratio);
        var x = Between(random, Margin - left, size - Margin - right);
        var y = bandOnly
            ? size / 2f + size * 0.06f * (2 * (float)random.NextDouble() - 1)
            : Between(random, Margin - top, size - Margin - bottom);
        return new SceneWord(text, x, y, fontSize, ink, Centred: false);
    }

    private static float Between(Random random, float low, float high) =>
        high <= low ? (low + high) / 2 : low + (high - low) * (float)random.NextDouble();

    private static SceneObject Place(Random random, int imageSize, ShapeKind shape, ShapeColor color, int quadrant, float bandTop, float bandBottom)
    {
        var column = quadrant % 2 == 0 ? Horizontal.Left : Horizontal.Right;
        var row = quadrant / 2 == 0 ? Vertical.Top : Vertical.Bottom;
        var half = imageSize / 2f;
        var (left, right) = column == Horizontal.Left ? (Margin, half - Margin) : (half + Margin, imageSize - Margin);
        var (top, bottom) = row == Vertical.Top ? (Margin, Math.Min(half, bandTop) - Margin) : (Math.Max(half, bandBottom) + Margin, imageSize - Margin);
        var room = Math.Min(right - left, bottom - top);
        var size = room * (0.45f + 0.5f * (float)random.NextDouble());
        var x = left + size / 2 + (float)random.NextDouble() * (right - left - size);
        var y = top + size / 2 + (float)random.NextDouble() * (bottom - top - size);
        return new SceneObject(shape, color, x, y, size, column, row);
    }
}
