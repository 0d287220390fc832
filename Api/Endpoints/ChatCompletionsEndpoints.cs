using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlorenceVL.Api.Endpoints;

public static class ChatCompletionsEndpoints
{
    /// <summary>
    /// Prepares the request, starts the generation (the engine refuses bad requests before anything streams), then
    /// streams chunks or collects one response. Client mistakes become OpenAI errors here; only faults reach the
    /// exception handler.
    /// </summary>
    public static async Task<Results<JsonHttpResult<ChatCompletionResponse>, ServerSentEventsResult<string>, OpenAIErrorResult>> CreateChatCompletion(
        HttpRequest http, EngineHost host, ChatRequestPreparer preparer, ILogger<ChatRequestPreparer> logger, CancellationToken cancellationToken)
    {
        var engine = host.Engine!;
        var prepared = await preparer.PrepareAsync(http, engine.Model, cancellationToken);
        if (prepared.Error is { } refusal)
            return OpenAIErrors.From(refusal);
        var request = prepared.Request!;
        var context = CompletionContext.For(request, engine.Model);
        try
        {
            var generation = await engine.StartAsync(prepared.Generation!, cancellationToken);
            if (request.IsStreaming)
                return TypedResults.ServerSentEvents(ChatCompletionStream.ChunksAsync(generation, context, logger, cancellationToken));
            await using (generation)
                return TypedResults.Json(
                    await ChatResponseMapper.CollectAsync(generation, context, request.Logprobs == true, cancellationToken),
                    ContractsJsonContext.Default.ChatCompletionResponse);
        }
        catch (Exception e) when (ExceptionReplies.ForClient(e) is { } reply)
        {
            return OpenAIErrors.From(reply);
        }
    }
}
