using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Tokenize;
using FlorenceVL.Contracts.Validation;
using FlorenceVL.Engine.Processing.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Endpoints;

/// <summary>
/// vLLM's <c>POST /tokenize</c> and <c>POST /detokenize</c>: a prompt string, or chat messages rendered by the model's
/// template with images counted at their visual tokens and tools as the model sees them, so a client can budget its
/// context before sending. Images are not fetched or decoded: each one costs the same tokens whatever its size.
/// </summary>
public static class TokenizeEndpoints
{
    public static async Task<Results<JsonHttpResult<TokenizeResponse>, OpenAIErrorResult>> Tokenize(
        HttpRequest http, EngineHost host, IOptions<LimitsOptions> limits, CancellationToken cancellationToken)
    {
        var (request, refusal) = await ReadAsync(http, limits.Value, ContractsJsonContext.Default.TokenizeRequest, cancellationToken);
        if (refusal is not null) return refusal;
        var chatLimits = new ChatRequestLimits { MaxChoices = limits.Value.MaxChoices, MaxSchemaBytes = limits.Value.MaxSchemaBytes };
        if (TokenizeRequestValidator.Validate(request!, chatLimits) is [var first, ..])
            return OpenAIErrors.From(OpenAIErrorReply.InvalidRequest(first));
        var engine = host.Engine!;
        if (request!.Model != engine.Model.Id)
            return OpenAIErrors.From(OpenAIErrorReply.ModelNotFound(request.Model!));
        try
        {
            IReadOnlyList<int> ids;
            var imageTokens = 0;
            if (request.Prompt is { } prompt)
            {
                ids = engine.Prompts.Encode(prompt, request.AddSpecialTokens ?? true);
            }
            else
            {
                var messages = MessageMapper.Map(request.Messages!, limits.Value.MaxImagesPerRequest);
                var tools = (request.Tools ?? []).Select(t => StructuredOutputMapper.ToSpec(t.Function!)).ToList();
                var counted = engine.Prompts.RenderChat(messages.Messages, tools, request.AddGenerationPrompt ?? true,
                    messages.Images.Select(i => i.Detail).ToList());
                (ids, imageTokens) = (counted.Ids, counted.NumImageTokens);
            }
            return TypedResults.Json(new TokenizeResponse
            {
                Count = ids.Count,
                MaxModelLen = engine.Model.MaxModelLen,
                Tokens = ids,
                TokenStrs = request.ReturnTokenStrs == true ? engine.Prompts.TokenStrings(ids) : null,
                ImageTokens = imageTokens,
            }, ContractsJsonContext.Default.TokenizeResponse);
        }
        catch (Exception e) when (e is OpenAIRequestException or ChatTemplateException || ExceptionReplies.ForClient(e) is not null)
        {
            return OpenAIErrors.From(e is OpenAIRequestException api ? api.Reply : ExceptionReplies.ForClient(e)!);
        }
    }

    public static async Task<Results<JsonHttpResult<DetokenizeResponse>, OpenAIErrorResult>> Detokenize(
        HttpRequest http, EngineHost host, IOptions<LimitsOptions> limits, CancellationToken cancellationToken)
    {
        var (request, refusal) = await ReadAsync(http, limits.Value, ContractsJsonContext.Default.DetokenizeRequest, cancellationToken);
        if (refusal is not null) return refusal;
        if (TokenizeRequestValidator.Validate(request!) is [var first, ..])
            return OpenAIErrors.From(OpenAIErrorReply.InvalidRequest(first));
        var engine = host.Engine!;
        if (request!.Model != engine.Model.Id)
            return OpenAIErrors.From(OpenAIErrorReply.ModelNotFound(request.Model!));
        try
        {
            return TypedResults.Json(new DetokenizeResponse { Prompt = engine.Prompts.Decode(request.Tokens!) },
                ContractsJsonContext.Default.DetokenizeResponse);
        }
        catch (Exception e) when (ExceptionReplies.ForClient(e) is { } reply)
        {
            return OpenAIErrors.From(reply);
        }
    }

    private static async Task<(T? Request, OpenAIErrorResult? Refusal)> ReadAsync<T>(
        HttpRequest http, LimitsOptions limits, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        CancellationToken cancellationToken) where T : class
    {
        if (await RequestBody.ReadCappedAsync(http, limits.MaxRequestBodyBytes, cancellationToken) is not { } body)
            return (null, OpenAIErrors.From(OpenAIErrorReply.RequestTooLarge(limits.MaxRequestBodyBytes)));
        return ChatRequestParser.TryParse(body, typeInfo, out var request, out var error)
            ? (request, null)
            : (null, OpenAIErrors.From(OpenAIErrorReply.InvalidRequest(error)));
    }
}
