using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// Where and in which dtype a module creates its parameters. Modules are built directly in place (the meta device for
/// shape-only checks), so loading never allocates a second full-size copy.
/// </summary>
public sealed record ModelPlacement(Device Device, ScalarType DType)
{
    public static ModelPlacement CpuFloat32 { get; } = new(CPU, ScalarType.Float32);
    public static ModelPlacement Meta { get; } = new(new Device(TorchSharp.DeviceType.META), ScalarType.Float32);
}
