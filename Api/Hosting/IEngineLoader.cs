using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Hosting;

/// <summary>Loads and warms the engine (blocking; run off the request path). Tests replace it only to hold a server in a state the real engine leaves too quickly.</summary>
public interface IEngineLoader
{
    IInferenceEngine Load(EngineOptions options);
}

public sealed class InferenceEngineLoader : IEngineLoader
{
    public IInferenceEngine Load(EngineOptions options) => InferenceEngine.Start(options);
}
