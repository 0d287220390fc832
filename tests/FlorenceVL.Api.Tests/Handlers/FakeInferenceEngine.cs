using System.Runtime.CompilerServices;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Tests.Handlers;

/// <summary>
/// An <see cref="IInferenceEngine"/> without a model: each request either throws what the test says (a refusal) or
/// replays the events the test scripted. Records what it was asked, so a test can check the mapping into the engine.
/// </summary>
internal sealed class FakeInferenceEngine(Func<GenerationRequest, IReadOnlyList<GenerationEvent>> script) : IInferenceEngine
{
    public ModelDescriptor Model { get; } = new("fake-model", "llava_phi", MaxModelLen: 4096, NumVisualTokensPerImage: 577, DateTimeOffset.UnixEpoch);

    public bool IsReady => true;

    public EngineMetrics Metrics { get; } = new();

    public IPromptTokenizer Prompts => throw new NotSupportedException("The fake engine has no tokenizer.");

    public List<GenerationRequest> Requests { get; } = [];

    /// <summary>One choice answering <paramref name="text"/> and finishing with <paramref name="reason"/>.</summary>
    public static FakeInferenceEngine Answering(string text, FlorenceVL.Engine.Inference.FinishReason reason = FlorenceVL.Engine.Inference.FinishReason.Stop) =>
        new(_ => [new TextDelta(0, text, null), new ChoiceFinished(0, reason, NumCompletionTokens: 3, NumCachedTokens: 0)]);

    public static FakeInferenceEngine Refusing(Exception refusal) => new(_ => throw refusal);

    public ValueTask<IGeneration> StartAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return ValueTask.FromResult<IGeneration>(new FakeGeneration(script(request)));
    }

    private sealed class FakeGeneration(IReadOnlyList<GenerationEvent> events) : IGeneration
    {
        public string RequestId => "req-fake";
        public int NumPromptTokens => 7;
        public int NumImageTokens => 0;

        public async IAsyncEnumerable<GenerationEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var @event in events)
            {
                await Task.Yield();
                yield return @event;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
