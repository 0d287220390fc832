using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Runtime;

/// <summary>The address of a contiguous CPU tensor's first element, for reading file data straight into it.</summary>
internal static unsafe class TensorMemory
{
    // TorchSharp exposes no data pointer; its own native entry point gives the storage address of element 0.
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    public static byte* Address(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("raw memory access needs a contiguous CPU tensor.", nameof(tensor));
        return (byte*)THSTensor_data(tensor.Handle);
    }

    public static bool IsWritableInPlace(Tensor tensor) => tensor.device_type == TorchSharp.DeviceType.CPU && tensor.is_contiguous();
}
