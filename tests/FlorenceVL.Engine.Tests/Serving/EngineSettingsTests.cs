using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

public class EngineSettingsTests
{
    [Fact]
    public void Float16_on_the_cpu_is_refused_with_a_clear_message()
    {
        var error = Assert.Throws<FlorenceVL.Engine.Configuration.ModelConfigException>(() =>
            InferenceEngine.Start(TestModel.Options(o => o with { DType = TorchSharp.torch.ScalarType.Float16 })));
        Assert.Contains("float16 is supported on CUDA only", error.Message);
    }
}
