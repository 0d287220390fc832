using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using FlorenceVL.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests;

/// <summary>API keys from configuration and from a mounted file; the rest of the key's life is 401s and silence in the logs.</summary>
public sealed class AuthTests(AuthTests.KeyedFactory factory) : IClassFixture<AuthTests.KeyedFactory>
{
    public const string ConfigKey = "sk-config-3f9a1c0e7b";
    public const string FileKey = "sk-file-8d2e6b4a91";
    public const string WrongKey = "sk-wrong-55aa11bb22";

    public sealed class KeyedFactory : ApiFactory
    {
        public CapturingLoggerProvider Logs { get; } = new();

        public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), $"florencevl-keys-{Guid.NewGuid():N}.txt");

        public KeyedFactory() => File.WriteAllText(KeyFile, $"# mounted from a secret\n\n  {FileKey}  \n");

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["FlorenceVL:Auth:ApiKeys:0"] = ConfigKey,
            ["FlorenceVL:Auth:ApiKeysFile"] = KeyFile,
            ["Logging:LogLevel:Default"] = "Trace",
        };

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            File.Delete(KeyFile);
        }
    }

    [Theory]
    [InlineData(ConfigKey)]
    [InlineData(FileKey)]
    public async Task A_configured_key_is_accepted(string key)
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync(), apiKey: key);

        var completion = await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });

        Assert.True(completion.Value.Usage.OutputTokenCount >= 1);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_invalid_api_key_that_does_not_echo_the_key()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync(), apiKey: WrongKey);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        var body = error.GetRawResponse()!.Content.ToString();
        OpenAIErrorAssert.Shape(body, "invalid_api_key");
        Assert.DoesNotContain(WrongKey, body);
    }

    [Fact]
    public async Task A_missing_key_is_a_401_without_a_code_on_every_v1_route()
    {
        var client = await factory.ReadyClientAsync();

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/v1/models"), (HttpMethod.Get, $"/v1/models/{ApiFactory.Model}"), (HttpMethod.Post, "/v1/chat/completions") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? new StringContent("{}") : null });
            var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("code").ValueKind);
        }
    }

    [Theory]
    [InlineData("Basic " + ConfigKey)]
    [InlineData("Bearer")]
    [InlineData("Bearer " + ConfigKey + "x")]
    [InlineData("Bearer " + "sk-config-3f9a1c0e7")]
    public async Task A_malformed_or_near_miss_authorization_is_refused(string header)
    {
        var client = await factory.ReadyClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request);

        await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Health_and_metrics_stay_open_and_no_key_reaches_the_logs()
    {
        var client = await factory.ReadyClientAsync();
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
        var right = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ConfigKey);

        using var refused = await client.SendAsync(wrong);
        using var accepted = await client.SendAsync(right);
        using var ready = await client.GetAsync("/health/ready");
        using var metrics = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.NotEmpty(factory.Logs.Lines);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(WrongKey) || line.Contains(ConfigKey) || line.Contains(FileKey));
    }
}
