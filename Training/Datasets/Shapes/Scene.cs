namespace FlorenceVL.Training.Datasets.Shapes;

public enum Horizontal { Left, Right }

public enum Vertical { Top, Bottom }

/// <summary>One drawn object: its centre and size in pixels, and the half of the image it sits in.</summary>
public sealed record SceneObject(ShapeKind Shape, ShapeColor Color, float CenterX, float CenterY, float Size, Horizontal Column, Vertical Row)
{
    public string Description => $"{Color.Name} {ShapeNames.Of(Shape)}";
}

/// <summary>An opaque colour (a background or the word's ink).</summary>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// A written word and the rectangle band it is centred in. Ink null is black; Centred false (the varied generator's
/// words, which may sit anywhere) makes the caption say "in the image" rather than "in the middle".
/// </summary>
public sealed record SceneWord(string Text, float CenterX, float CenterY, float FontSize, Rgb? Ink = null, bool Centred = true);

/// <summary>
/// Everything an image shows. Each object owns one quadrant, so "left/right" and "top/bottom" are never ambiguous,
/// and no two objects share both shape and colour, so "the red circle" always names one object. A word-only scene (the
/// varied generator's) has no objects. Background, when set, replaces the white or light grey of IsGreyBackground.
/// </summary>
public sealed record Scene(int ImageSize, bool IsGreyBackground, IReadOnlyList<SceneObject> Objects, SceneWord? Word, Rgb? Background = null);
