using System.Runtime.CompilerServices;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// The real engine, wrapped so that a marker in the prompt makes it fail: a server fault is not something the real
/// engine can be asked to produce, yet the API's answer to one (a bare 500; an SSE error event mid-stream) must be
/// tested. Requests without a marker go to the real engine untouched.
/// </summary>
public sealed class FaultInjectingFactory : ApiFactory
{
    public const string FailOnStart = "#fail-on-start";
    public const string FailMidStream = "#fail-mid-stream";
    public const string SecretDetail = "connection string Password=hunter2";

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IEngineLoader>(new Loader()));

    private sealed class Loader : IEngineLoader
    {
        public IInferenceEngine Load(EngineOptions options) => new FaultInjectingEngine(new InferenceEngineLoader().Load(options));
    }

    private sealed class FaultInjectingEngine(IInferenceEngine inner) : IInferenceEngine, IDisposable
    {
        public ModelDescriptor Model => inner.Model;
        public bool IsReady => inner.IsReady;
        public EngineMetrics Metrics => inner.Metrics;
        public IPromptTokenizer Prompts => inner.Prompts;

        public async ValueTask<IGeneration> StartAsync(GenerationRequest request, CancellationToken cancellationToken)
        {
            var text = string.Concat(request.Messages.SelectMany(m => m.Parts).OfType<TextPart>().Select(p => p.Text));
            if (text.Contains(FailOnStart))
                throw new InvalidOperationException($"Simulated bug: {SecretDetail}");
            var generation = await inner.StartAsync(request, cancellationToken);
            return text.Contains(FailMidStream) ? new FailingGeneration(generation) : generation;
        }

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }

    private sealed class FailingGeneration(IGeneration inner) : IGeneration
    {
        public string RequestId => inner.RequestId;
        public int NumPromptTokens => inner.NumPromptTokens;
        public int NumImageTokens => inner.NumImageTokens;

        public async IAsyncEnumerable<GenerationEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var @event in inner.ReadAllAsync(cancellationToken))
            {
                yield return @event;
                throw new InvalidOperationException($"Simulated engine failure: {SecretDetail}");
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
