using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlorenceVL.Api.Endpoints;

public static class ChatCompletionsEndpoints
{
    /// <summary>
    /// The route's delegate: reads the body (capped) and parses it, the only HTTP work, then hands the typed request to
    /// <see cref="Handle"/>. The body is read here rather than bound by the framework so that the API-key and readiness
    /// filters run before any of it is read.
    /// </summary>
    public static async Task<Results<JsonHttpResult<ChatCompletionResponse>, ServerSentEventsResult<string>, OpenAIErrorResult>> CreateChatCompletion(
        HttpRequest http, EngineHost host, ChatRequestPreparer preparer, ILogger<ChatRequestPreparer> logger, CancellationToken cancellationToken)
    {
        var parsed = await preparer.ReadAsync(http, cancellationToken);
        if (parsed.Error is { } refusal)
            return OpenAIErrors.From(refusal);
        return await Handle(parsed.Request!, host.Engine!, preparer, logger, cancellationToken);
    }

    /// <summary>
    /// Prepares the request, starts the generation (the engine refuses bad requests before anything streams), then
    /// streams chunks or collects one response. Client mistakes become OpenAI errors here; only faults reach the
    /// exception handler. Typed inputs only, so it runs in a unit test against a fake engine.
    /// </summary>
    public static async Task<Results<JsonHttpResult<ChatCompletionResponse>, ServerSentEventsResult<string>, OpenAIErrorResult>> Handle(
        ChatCompletionRequest request, IInferenceEngine engine, ChatRequestPreparer preparer, ILogger logger, CancellationToken cancellationToken)
    {
        var prepared = await preparer.PrepareAsync(request, engine.Model, cancellationToken);
        if (prepared.Error is { } refusal)
            return OpenAIErrors.From(refusal);
        var context = CompletionContext.For(request, engine.Model);
        try
        {
            var generation = await engine.StartAsync(prepared.Generation!, cancellationToken);
            if (request.IsStreaming)
                return TypedResults.ServerSentEvents(ChatCompletionStream.ChunksAsync(generation, context, prepared.Plan, logger, cancellationToken));
            await using (generation)
                return TypedResults.Json(
                    await ChatResponseMapper.CollectAsync(generation, context, prepared.Plan, request.Logprobs == true, cancellationToken),
                    ContractsJsonContext.Default.ChatCompletionResponse);
        }
        catch (Exception e) when (ExceptionReplies.ForClient(e) is { } reply)
        {
            return OpenAIErrors.From(reply);
        }
    }
}
