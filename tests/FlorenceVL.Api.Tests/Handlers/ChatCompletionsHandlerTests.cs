using System.Text;
using FlorenceVL.Api.Endpoints;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Images;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;
using FlorenceVL.Engine.Inference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Tests.Handlers;

/// <summary>The chat handler called directly with typed input and a fake engine: which Results case comes back (eShop's OrdersWebApiTest).</summary>
public class ChatCompletionsHandlerTests
{
    private static readonly ChatRequestPreparer Preparer = NewPreparer();

    private static ChatRequestPreparer NewPreparer()
    {
        var limits = Microsoft.Extensions.Options.Options.Create(new LimitsOptions());
        var remote = Microsoft.Extensions.Options.Options.Create(new RemoteImageOptions());
        var fetcher = new RemoteImageFetcher(new NoHttpClients(), new HostGuard(remote), remote, limits);
        return new ChatRequestPreparer(new ImageResolver(fetcher, limits), new FlorenceVL.Engine.Constrained.GrammarCache(), limits);
    }

    private static ChatCompletionRequest Request(string model = "fake-model", string extra = "")
    {
        var json = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hi"}]{{extra}}}""";
        Assert.True(ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request;
    }

    private static Task<Results<JsonHttpResult<ChatCompletionResponse>, ServerSentEventsResult<string>, OpenAIErrorResult>> Call(
        ChatCompletionRequest request, FakeInferenceEngine engine) =>
        ChatCompletionsEndpoints.Handle(request, engine, Preparer, NullLogger.Instance, CancellationToken.None);

    [Fact]
    public async Task A_completion_is_collected_into_one_response()
    {
        var engine = FakeInferenceEngine.Answering("a red circle");

        var result = await Call(Request(extra: ",\"temperature\":0,\"max_tokens\":5"), engine);

        var ok = Assert.IsType<JsonHttpResult<ChatCompletionResponse>>(result.Result);
        var choice = Assert.Single(ok.Value!.Choices);
        Assert.Equal("a red circle", choice.Message.Content);
        Assert.Equal(FinishReasons.Stop, choice.FinishReason);
        Assert.Equal("fake-model", ok.Value.Model);
        var sent = Assert.Single(engine.Requests);
        Assert.Equal((0f, 5), (sent.Sampling.Temperature, sent.Sampling.MaxTokens));
    }

    [Fact]
    public async Task A_streaming_request_returns_server_sent_events_ending_with_done()
    {
        var result = await Call(Request(extra: ",\"stream\":true"), FakeInferenceEngine.Answering("hi", FinishReason.Length));

        var sse = Assert.IsType<ServerSentEventsResult<string>>(result.Result);
        Assert.NotNull(sse);
    }

    [Fact]
    public async Task Another_model_id_is_a_404_and_never_reaches_the_engine()
    {
        var engine = FakeInferenceEngine.Answering("unused");

        var result = await Call(Request(model: "gpt-4o"), engine);

        var error = Assert.IsType<OpenAIErrorResult>(result.Result);
        Assert.Equal((404, OpenAIErrorCodes.ModelNotFound), (error.StatusCode, error.Reply.Body.Error.Code));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public async Task An_engine_refusal_is_a_400_in_OpenAI_terms()
    {
        var refusal = new InvalidRequestException(RequestField.Temperature, RequestErrorKind.AboveMaximum, "Temperature must be <= 2, got 3.")
        {
            Range = new RangeViolation(3, 2),
        };

        var result = await Call(Request(), FakeInferenceEngine.Refusing(refusal));

        var error = Assert.IsType<OpenAIErrorResult>(result.Result);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(("temperature", OpenAIErrorCodes.DecimalAboveMaxValue), (error.Reply.Body.Error.Param, error.Reply.Body.Error.Code));
    }

    [Fact]
    public async Task A_full_engine_is_a_429_with_retry_after()
    {
        var result = await Call(Request(), FakeInferenceEngine.Refusing(new EngineOverloadedException(4)));

        var error = Assert.IsType<OpenAIErrorResult>(result.Result);
        Assert.Equal(429, error.StatusCode);
        Assert.NotNull(error.Reply.RetryAfter);
    }

    [Fact]
    public async Task A_wire_problem_is_refused_before_the_engine()
    {
        var engine = FakeInferenceEngine.Answering("unused");

        var result = await Call(Request(extra: ",\"n\":0"), engine);

        Assert.Equal(400, Assert.IsType<OpenAIErrorResult>(result.Result).StatusCode);
        Assert.Empty(engine.Requests);
    }

    private sealed class NoHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no remote images in handler tests");
    }
}
