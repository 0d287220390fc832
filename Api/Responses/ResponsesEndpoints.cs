using System.Net.ServerSentEvents;
using System.Text;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Responses;
using FlorenceVL.Engine.Serving;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Responses;

/// <summary>
/// <c>POST /v1/responses</c>: OpenAI's Responses API, stateless. The request is translated into a chat request and
/// runs through the chat path's preparer and the engine unchanged (images, constrained decoding, tools); only the
/// wire shapes differ. Nothing is stored: store is answered false and previous_response_id is refused.
/// </summary>
public static class ResponsesEndpoints
{
    public static async Task<Results<JsonHttpResult<ResponseObject>, ServerSentEventsResult<string>, OpenAIErrorResult>> CreateResponse(
        HttpRequest http, EngineHost host, ChatRequestPreparer preparer, IOptions<LimitsOptions> limits, ILogger<ChatRequestPreparer> logger,
        CancellationToken cancellationToken)
    {
        var maxBytes = limits.Value.MaxRequestBodyBytes;
        if (await RequestBody.ReadCappedAsync(http, maxBytes, cancellationToken) is not { } body)
            return OpenAIErrors.From(OpenAIErrorReply.RequestTooLarge(maxBytes));
        if (!ResponsesRequestParser.TryParse(body, out var request, out var parseError))
            return OpenAIErrors.From(OpenAIErrorReply.InvalidRequest(parseError));
        return await Handle(request, host.Engine!, preparer, logger, cancellationToken);
    }

    /// <summary>Typed inputs only, like the chat handler, so it runs against a fake engine too.</summary>
    public static async Task<Results<JsonHttpResult<ResponseObject>, ServerSentEventsResult<string>, OpenAIErrorResult>> Handle(
        ResponsesRequest request, IInferenceEngine engine, ChatRequestPreparer preparer, ILogger logger, CancellationToken cancellationToken)
    {
        var translated = ResponsesTranslator.Translate(request, out var refusal);
        if (refusal is not null)
            return OpenAIErrors.From(OpenAIErrorReply.InvalidRequest(refusal));
        var prepared = await preparer.PrepareAsync(translated.Chat, engine.Model, cancellationToken);
        if (prepared.Error is { } chatRefusal)
            return OpenAIErrors.From(ResponsesTranslator.Rename(chatRefusal, translated.MessagePaths));
        var builder = new ResponseBuilder(request, engine.Model.Id);
        try
        {
            var generation = await engine.StartAsync(prepared.Generation!, cancellationToken);
            if (request.IsStreaming)
                return TypedResults.ServerSentEvents(ResponsesStream.EventsAsync(generation, builder, prepared.Plan, logger, cancellationToken));
            await using (generation)
                return TypedResults.Json(await CollectAsync(generation, builder, prepared.Plan, cancellationToken), ContractsJsonContext.Default.ResponseObject);
        }
        catch (Exception e) when (ExceptionReplies.ForClient(e) is { } reply)
        {
            return OpenAIErrors.From(ResponsesTranslator.Rename(reply, translated.MessagePaths));
        }
    }

    private static async Task<ResponseObject> CollectAsync(IGeneration generation, ResponseBuilder builder, OutputPlan plan, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        ChoiceFinished? finished = null;
        await foreach (var @event in generation.ReadAllAsync(cancellationToken))
        {
            if (@event is TextDelta delta) text.Append(delta.Text);
            else if (@event is ChoiceFinished done) finished = done;
        }
        var message = ChoiceMessage.Read(plan, text.ToString(), finished?.Reason ?? Engine.Inference.FinishReason.Abort);
        var items = ResponseBuilder.Items(message);
        return builder.Finished(items, message.FinishReason == Contracts.Chat.FinishReasons.Length,
            UsageMapper.Map(generation, finished is null ? [] : [finished]));
    }
}
