using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>The official OpenAI .NET SDK pointed at a server under test, with its own retries off (errors must surface).</summary>
public static class OpenAIClients
{
    public static ChatClient Chat(HttpClient http, string model = ApiFactory.Model, string apiKey = "sk-test") =>
        new(model, new ApiKeyCredential(apiKey), Options(http));

    public static OpenAIClient Client(HttpClient http, string apiKey = "sk-test") => new(new ApiKeyCredential(apiKey), Options(http));

    private static OpenAIClientOptions Options(HttpClient http) => new()
    {
        Endpoint = new Uri(http.BaseAddress!, "/v1"),
        Transport = new HttpClientPipelineTransport(http),
        RetryPolicy = new ClientRetryPolicy(0),
        NetworkTimeout = TimeSpan.FromMinutes(2),
    };
}
