using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;

namespace FlorenceVL.Api.Endpoints;

/// <summary>Answers 503 in OpenAI's shape, with Retry-After, until the model is loaded and warmed.</summary>
public sealed class EngineReadyFilter(EngineHost host) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        host.IsReady ? next(context) : ValueTask.FromResult<object?>(OpenAIErrors.NotReady());
}
