using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Serving;

/// <summary>One short generation before the engine reports ready, so JIT compilation and first allocations are paid up front.</summary>
public sealed partial class InferenceEngine
{
    private void WarmUp()
    {
        var request = new GenerationRequest([ChatMessage.FromText(ChatRole.User, "Hello")], [], new SamplingParams { Temperature = 0, MaxTokens = 4 });
        var generation = StartAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _ = generation.ReadAllAsync(CancellationToken.None).ToBlockingEnumerable().Count();
    }
}
