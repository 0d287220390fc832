using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

public sealed class PreparedRequestTests
{
    [Fact]
    public void Template_end_tokens_stop_a_request_unless_it_ignores_eos()
    {
        using var loaded = LoadedModel.Load(TestModel.Options());
        var end = loaded.Template.StopTokenIds;
        GenerationRequest Request(bool ignoreEos) => new([ChatMessage.FromText(ChatRole.User, "Hello")], [],
            new SamplingParams { Temperature = 0, MaxTokens = 4, IgnoreEos = ignoreEos, StopTokenIds = [5] });

        var stopping = PreparedRequest.Create(Request(ignoreEos: false), loaded);
        var ignoring = PreparedRequest.Create(Request(ignoreEos: true), loaded);

        Assert.NotEmpty(end);
        Assert.Equal([5, .. end], stopping.Sampling.StopTokenIds);
        Assert.Equal([5], ignoring.Sampling.StopTokenIds);
    }
}
