using FlorenceVL.Api.Auth;
using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Models;

namespace FlorenceVL.Api.Endpoints;

/// <summary>The OpenAI-compatible route table. Every /v1 route checks the API key first, then that the model is ready.</summary>
public static class OpenAIApi
{
    /// <summary>An unknown path or method under /v1 answers like OpenAI: 404 "Invalid URL", in the error shape.</summary>
    public static OpenAIErrorResult UnknownRoute(HttpRequest request) =>
        OpenAIErrors.From(OpenAIErrorReply.InvalidRequest($"Invalid URL ({request.Method} {request.Path})", null, null) with { StatusCode = 404 });

    public static RouteGroupBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("OpenAI")
            .AddEndpointFilter<ApiKeyFilter>()
            .AddEndpointFilter<EngineReadyFilter>();

        v1.MapPost("/chat/completions", ChatCompletionsEndpoints.CreateChatCompletion)
            .Produces<ChatCompletionResponse>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .WithName("CreateChatCompletion")
            .WithSummary("Creates a model response for the conversation (OpenAI Chat Completions; set stream for SSE).");
        v1.MapPost("/responses", Responses.ResponsesEndpoints.CreateResponse).Produces<Contracts.Responses.ResponseObject>(StatusCodes.Status200OK, "application/json", "text/event-stream").WithName("CreateResponse").WithSummary("Creates a model response (OpenAI Responses API, stateless: nothing is stored; set stream for typed SSE events).");
        v1.MapGet("/models", ModelsEndpoints.ListModels)
            .Produces<ModelList>()
            .WithName("ListModels")
            .WithSummary("Lists the served model.");
        v1.MapGet("/models/{id}", ModelsEndpoints.RetrieveModel)
            .Produces<ModelCard>()
            .WithName("RetrieveModel")
            .WithSummary("Describes the served model; 404 for any other id.");
        v1.MapPost("/images", ImagesEndpoints.CreateImage)
            .DisableAntiforgery()
            .WithName("CreateImage")
            .WithSummary("Stores an image's encoded features once (multipart 'file' or JSON 'url'); chat requests then refer to it as florencevl://<id>.");
        v1.MapFallback("{**path}", UnknownRoute).ExcludeFromDescription();

        // vLLM serves these beside /v1, not under it; the same key and readiness checks apply.
        var tokens = app.MapGroup("").WithTags("Tokens")
            .AddEndpointFilter<ApiKeyFilter>()
            .AddEndpointFilter<EngineReadyFilter>();
        tokens.MapPost("/tokenize", TokenizeEndpoints.Tokenize)
            .WithName("Tokenize")
            .WithSummary("Tokenizes a prompt, or renders chat messages (images and tools counted) as a request would be.");
        tokens.MapPost("/detokenize", TokenizeEndpoints.Detokenize)
            .WithName("Detokenize")
            .WithSummary("Turns token ids back into text.");
        return v1;
    }
}
