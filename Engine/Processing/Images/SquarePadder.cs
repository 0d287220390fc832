namespace FlorenceVL.Engine.Processing.Images;

/// <summary>LLaVA's expand2square: centre the picture on a square of the padding colour, offsets rounded down.</summary>
internal static class SquarePadder
{
    public static RgbImage Pad(RgbImage image, RgbColor color)
    {
        if (image.Width == image.Height) return image;

        var side = Math.Max(image.Width, image.Height);
        var square = new RgbImage(side, side, new byte[side * side * 3]);
        FillRow(square.Row(0), color);
        for (var y = 1; y < side; y++) square.Row(0).CopyTo(square.Row(y));

        var left = (side - image.Width) / 2;
        var top = (side - image.Height) / 2;
        for (var y = 0; y < image.Height; y++)
        {
            image.Row(y).CopyTo(square.Row(top + y).Slice(left * 3));
        }
        return square;
    }

    private static void FillRow(Span<byte> row, RgbColor color)
    {
        for (var i = 0; i < row.Length; i += 3)
        {
            row[i] = color.R;
            row[i + 1] = color.G;
            row[i + 2] = color.B;
        }
    }
}
