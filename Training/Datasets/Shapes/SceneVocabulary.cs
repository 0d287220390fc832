namespace FlorenceVL.Training.Datasets.Shapes;

public enum ShapeKind { Circle, Square, Triangle }

/// <summary>A named fill colour (the six of issue 7, exact RGB values).</summary>
public sealed record ShapeColor(string Name, byte R, byte G, byte B)
{
    public static IReadOnlyList<ShapeColor> All { get; } =
    [
        new("red", 220, 20, 20),
        new("green", 20, 160, 20),
        new("blue", 20, 40, 220),
        new("yellow", 240, 220, 20),
        new("purple", 140, 30, 180),
        new("orange", 245, 130, 20),
    ];
}

/// <summary>The words that may be written on an image: upper case, 3 to 6 letters.</summary>
public static class SceneWords
{
    public static IReadOnlyList<string> All { get; } =
    [
        "CAT", "DOG", "SUN", "MAP", "BOX", "CUP", "KEY", "HAT", "BUS", "PEN",
        "TREE", "FISH", "BIRD", "BOOK", "MOON", "STAR", "SHIP", "LAMP", "DOOR", "CAKE",
        "APPLE", "HOUSE", "TRAIN", "CLOCK", "PLANT", "RIVER", "STONE", "CHAIR", "BREAD", "MUSIC",
        "GARDEN", "WINDOW", "PENCIL", "ORANGE", "PLANET", "ROCKET", "BUTTER", "CASTLE", "FOREST", "SILVER",
    ];
}

public static class ShapeNames
{
    public static string Of(ShapeKind kind) => kind switch
    {
        ShapeKind.Circle => "circle",
        ShapeKind.Square => "square",
        ShapeKind.Triangle => "triangle",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
