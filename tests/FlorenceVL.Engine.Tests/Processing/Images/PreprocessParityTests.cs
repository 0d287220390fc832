using System.Text.Json;
using FlorenceVL.Engine.Processing.Images;
using Xunit.Abstractions;

namespace FlorenceVL.Engine.Tests.Processing.Images;

public class PreprocessParityTests(ITestOutputHelper output)
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "preprocess");

    public static TheoryData<string> Cases()
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir, "cases.json")));
        var data = new TheoryData<string>();
        foreach (var property in cases.RootElement.GetProperty("cases").EnumerateObject()) data.Add(property.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pixel_values_match_the_reference_within_tolerance(string caseName)
    {
        var (file, size, _, tensorName) = ReadCase(caseName);
        var preprocessor = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = size });

        var actual = preprocessor.Preprocess(File.ReadAllBytes(Path.Combine(FixtureDir, file)));
        var (expected, shape) = SafetensorsTestReader.Read(Path.Combine(FixtureDir, "expected.safetensors"), tensorName);

        Assert.Equal([3, size, size], shape);
        var (mean, max) = AbsoluteErrors(actual.PixelValues, expected);
        output.WriteLine($"{caseName}: mean abs error {mean:E3}, max abs error {max:E3} (normalised units)");
        Assert.True(mean < 0.01, $"mean abs error {mean}");
        Assert.True(max < 0.1, $"max abs error {max}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resized_uint8_image_matches_the_reference_png(string caseName)
    {
        var (file, size, resizedPng, _) = ReadCase(caseName);
        var config = new ImagePreprocessConfig { ImageSize = size };
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixtureDir, file)), config);

        var actual = new ImagePreprocessor(config).ResizeToSquare(decoded);
        var expected = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixtureDir, resizedPng)), config);

        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var differences = actual.Pixels.Zip(expected.Pixels, (a, e) => Math.Abs(a - e)).ToArray();
        var max = differences.Max();
        var offByOne = differences.Count(d => d == 1);
        output.WriteLine($"{caseName}: uint8 max diff {max}, {differences.Count(d => d == 0)} equal, " +
                         $"{offByOne} off by one, {differences.Count(d => d > 1)} off by more, of {differences.Length}");
        // Resampling is integer arithmetic, so lossless sources must match exactly; a JPEG may differ by one level
        // where another libjpeg build's IDCT rounds differently.
        var tolerance = file.EndsWith(".png", StringComparison.Ordinal) ? 0 : 1;
        Assert.True(max <= tolerance, $"uint8 max difference {max}, tolerance {tolerance}");
    }

    private static (float Mean, float Max) AbsoluteErrors(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double sum = 0;
        float max = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            sum += error;
            max = Math.Max(max, error);
        }
        return ((float)(sum / actual.Length), max);
    }

    private static (string File, int Size, string ResizedPng, string TensorName) ReadCase(string caseName)
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir, "cases.json")));
        var entry = cases.RootElement.GetProperty("cases").GetProperty(caseName);
        return (entry.GetProperty("file").GetString()!, entry.GetProperty("size").GetInt32(),
            entry.GetProperty("resized_png").GetString()!, entry.GetProperty("pixel_values").GetString()!);
    }
}
