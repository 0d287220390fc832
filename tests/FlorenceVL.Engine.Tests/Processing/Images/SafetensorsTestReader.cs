using System.Buffers.Binary;
using System.Text.Json;

namespace FlorenceVL.Engine.Tests.Processing.Images;

/// <summary>Test-only reader of golden tensors in a .safetensors file (F32 and F16 only, returned as float).</summary>
internal static class SafetensorsTestReader
{
    public static (float[] Values, int[] Shape) Read(string path, string name)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var entry = header.RootElement.GetProperty(name);
        var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = bytes.AsSpan(8 + headerLength + offsets[0], offsets[1] - offsets[0]);
        var values = entry.GetProperty("dtype").GetString() switch
        {
            "F32" => Decode(data, 4, s => BinaryPrimitives.ReadSingleLittleEndian(s)),
            "F16" => Decode(data, 2, s => (float)BinaryPrimitives.ReadHalfLittleEndian(s)),
            var other => throw new NotSupportedException($"dtype {other} is not needed by these tests."),
        };
        return (values, shape);
    }

    private delegate float ElementReader(ReadOnlySpan<byte> bytes);

    private static float[] Decode(ReadOnlySpan<byte> data, int width, ElementReader read)
    {
        var values = new float[data.Length / width];
        for (var i = 0; i < values.Length; i++) values[i] = read(data.Slice(i * width, width));
        return values;
    }
}
