namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>
/// Draws random scenes. Layout (image side S):
/// <code>
///   +-----------+-----------+
///   | top left  | top right |   each object owns one quadrant and stays inside it,
///   |-----------+-----------|   with a random size and a random offset within it;
///   |  (word band, if any)  |   a word, when present, takes a central band and the
///   |-----------+-----------|   quadrants shrink to stay clear of it
///   | bot. left | bot. right|
///   +-----------+-----------+
/// </code>
/// All randomness comes from the one <see cref="Random"/> passed in, so a seed fixes the dataset. The word's font size is
/// <c>wordScale</c> of the image side, give or take 8%.
/// </summary>
public sealed class SceneSampler(int imageSize, double wordProbability = 0.4, double wordScale = 0.18)
{
    private const float Margin = 4f;

    public Scene Sample(Random random)
    {
        var hasWord = random.NextDouble() < wordProbability;
        var word = hasWord ? SampleWord(random) : null;
        var bandHalf = word is null ? 0f : word.FontSize * 0.75f;
        var count = random.Next(1, 5);
        var quadrants = Enumerable.Range(0, 4).OrderBy(_ => random.Next()).Take(count).ToArray();
        var used = new HashSet<(ShapeKind, string)>();
        var objects = new List<SceneObject>(count);
        foreach (var quadrant in quadrants)
        {
            var (shape, color) = SampleDistinctLook(random, used);
            objects.Add(Place(random, shape, color, quadrant, bandHalf));
        }
        return new Scene(imageSize, random.NextDouble() < 0.5, objects, word);
    }

    private SceneWord SampleWord(Random random)
    {
        var text = SceneWords.All[random.Next(SceneWords.All.Count)];
        var fontSize = imageSize * (float)wordScale * (0.92f + 0.16f * (float)random.NextDouble());
        var jitter = imageSize * 0.04f * ((float)random.NextDouble() - 0.5f);
        var word = new SceneWord(text, imageSize / 2f + jitter, imageSize / 2f, fontSize);
        return FitInside(word);
    }

    /// <summary>
    /// A long word at a large scale can run off the image. Its ink extends from the centre roughly in proportion to the
    /// font size (Skia rounds the measured box), so scale the size by the tighter side's ratio, a little under, until it fits.
    /// </summary>
    private SceneWord FitInside(SceneWord word)
    {
        for (var ink = SceneRenderer.WordInkBounds(word); ink.Left < 0 || ink.Right > imageSize; ink = SceneRenderer.WordInkBounds(word))
        {
            var ratio = Math.Min(word.CenterX / (word.CenterX - ink.Left), (imageSize - word.CenterX) / (ink.Right - word.CenterX));
            word = word with { FontSize = word.FontSize * Math.Min(ratio, 1f) * 0.98f };
        }
        return word;
    }

    private static (ShapeKind, ShapeColor) SampleDistinctLook(Random random, HashSet<(ShapeKind, string)> used)
    {
        while (true)
        {
            var shape = (ShapeKind)random.Next(3);
            var color = ShapeColor.All[random.Next(ShapeColor.All.Count)];
            if (used.Add((shape, color.Name))) return (shape, color);
        }
    }

    private SceneObject Place(Random random, ShapeKind shape, ShapeColor color, int quadrant, float bandHalf)
    {
        var column = quadrant % 2 == 0 ? Horizontal.Left : Horizontal.Right;
        var row = quadrant / 2 == 0 ? Vertical.Top : Vertical.Bottom;
        var half = imageSize / 2f;
        var (left, right) = column == Horizontal.Left ? (Margin, half - Margin) : (half + Margin, imageSize - Margin);
        var (top, bottom) = row == Vertical.Top ? (Margin, half - bandHalf - Margin) : (half + bandHalf + Margin, imageSize - Margin);
        var room = Math.Min(right - left, bottom - top);
        var size = room * (0.45f + 0.5f * (float)random.NextDouble());
        var x = left + size / 2 + (float)random.NextDouble() * (right - left - size);
        var y = top + size / 2 + (float)random.NextDouble() * (bottom - top - size);
        return new SceneObject(shape, color, x, y, size, column, row);
    }
}
