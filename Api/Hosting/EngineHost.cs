using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Hosting;

/// <summary>
/// Where the endpoints find the engine. It is empty while the model loads in the background, so every dependent
/// endpoint asks <see cref="TryGetReady"/> instead of taking the engine from DI.
/// </summary>
public sealed class EngineHost
{
    private volatile IInferenceEngine? _engine;

    public IInferenceEngine? Engine => _engine;

    public bool IsReady => _engine?.IsReady == true;

    public bool TryGetReady(out IInferenceEngine engine)
    {
        engine = _engine!;
        return engine?.IsReady == true;
    }

    internal void Publish(IInferenceEngine engine) => _engine = engine;

    internal IInferenceEngine? Withdraw() => Interlocked.Exchange(ref _engine, null);
}
