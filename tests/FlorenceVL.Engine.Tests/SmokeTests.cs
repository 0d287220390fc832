using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void Torch_loads_and_multiplies_matrices()
    {
        FlorenceVL.Engine.Runtime.TorchRuntime.EnsureLoadable();
        using var a = ones(2, 3);
        using var b = ones(3, 4);
        using var c = a.matmul(b);
        Assert.Equal(3f, c[1, 2].item<float>());
    }
}
