using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Images;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Serving;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Mapping;

/// <summary>A request ready for the engine, or the reply that refuses it.</summary>
public sealed record PreparedChat(ChatCompletionRequest? Request, GenerationRequest? Generation, OpenAIErrorReply? Error)
{
    /// <summary>How the choices' text reads back (content or tool calls).</summary>
    public OutputPlan Plan { get; init; } = OutputPlan.Content;

    public static PreparedChat Refuse(OpenAIErrorReply error) => new(null, null, error);
}

/// <summary>
/// Everything between the raw body and the engine, in two steps: <see cref="ReadAsync"/> (size cap, parse: the only
/// step that sees HTTP) and <see cref="PrepareAsync"/> (validate, model check, message mapping, image resolution) on
/// the typed request. Each step answers the client's mistakes with a reply, never an exception.
/// </summary>
public sealed class ChatRequestPreparer(ImageResolver images, GrammarCache grammars, IOptions<LimitsOptions> limits)
{
    private readonly ChatRequestValidator _validator = new(new ChatRequestLimits
    {
        MaxChoices = limits.Value.MaxChoices,
        MaxSchemaBytes = limits.Value.MaxSchemaBytes,
    });

    /// <summary>The parsed request, or the reply that refuses the body (too large, not JSON, wrong value kinds).</summary>
    public async Task<ParsedChat> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var maxBytes = limits.Value.MaxRequestBodyBytes;
        if (await RequestBody.ReadCappedAsync(http, maxBytes, cancellationToken) is not { } body)
            return new ParsedChat(null, OpenAIErrorReply.RequestTooLarge(maxBytes));
        return ChatRequestParser.TryParse(body, out var request, out var parseError)
            ? new ParsedChat(request, null)
            : new ParsedChat(null, OpenAIErrorReply.InvalidRequest(parseError));
    }

    public async Task<PreparedChat> PrepareAsync(ChatCompletionRequest request, ModelDescriptor model, CancellationToken cancellationToken)
    {
        if (_validator.Validate(request) is [var firstError, ..])
            return PreparedChat.Refuse(OpenAIErrorReply.InvalidRequest(firstError));
        if (request.Model != model.Id)
            return PreparedChat.Refuse(OpenAIErrorReply.ModelNotFound(request.Model!));
        try
        {
            var messages = MessageMapper.Map(request.Messages!, limits.Value.MaxImagesPerRequest);
            var output = StructuredOutputMapper.Map(request, model.ToolCalls, grammars);
            var resolved = await images.ResolveWithIdsAsync(messages.Images, cancellationToken);
            var generation = new GenerationRequest(messages.Messages, resolved.Bytes, SamplingMapper.Map(request))
            {
                StoredImages = resolved.Stored,
                ImageDetails = messages.Images.Select(i => i.Detail).ToList(),
                Tools = output.Tools,
                Output = output.Constraint,
            };
            return new PreparedChat(request, generation, null) { Plan = output.Plan };
        }
        catch (OpenAIRequestException e)
        {
            return PreparedChat.Refuse(e.Reply);
        }
    }
}

/// <summary>A body read and parsed, or the reply that refuses it.</summary>
public sealed record ParsedChat(ChatCompletionRequest? Request, OpenAIErrorReply? Error);
