using System.Text.Json.Nodes;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlorenceVL.Api.Tests.Infrastructure;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests;

/// <summary>A real server process on a loopback port, driven by other programs: node with the openai package, curl, the .NET SDK over a socket.</summary>
public sealed class ServerProcessTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task The_openai_npm_package_streams_an_image_request()
    {
        var nodeFolder = Repository.Path("tests", "node");
        Assert.True(Directory.Exists(Path.Combine(nodeFolder, "node_modules", "openai")),
            "tests/node/node_modules is missing: run `npm ci` in tests/node (scripts/test.sh does).");
        var image = Path.Combine(Path.GetTempPath(), $"florencevl-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(image, TestImages.Png(9));
        try
        {
            var run = await ExternalProgram.RunAsync("node", ["stream-image.mjs", Server.BaseAddress.ToString().TrimEnd('/'), ApiFactory.Model, image], nodeFolder);

            Assert.True(run.ExitCode == 0, run.StandardError);
            using var summary = JsonDocument.Parse(run.StandardOutput);
            var root = summary.RootElement;
            Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString());
            Assert.True(root.GetProperty("chunks").GetInt32() >= 3);
            Assert.Contains(root.GetProperty("finishReason").GetString(), new[] { "stop", "length" });
            var usage = root.GetProperty("usage");
            Assert.Equal(25, usage.GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32());
            Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 1, 6);
        }
        finally
        {
            File.Delete(image);
        }
    }

    [Fact]
    public async Task The_openai_npm_package_parses_a_json_schema_answer()
    {
        const string schema = """
            {"type":"object","properties":{"kind":{"type":"string","enum":["circle","square"]},"filled":{"type":"boolean"},
             "sides":{"type":"integer"}},"required":["kind","filled","sides"],"additionalProperties":false}
            """;
        var nodeFolder = Repository.Path("tests", "node");
        Assert.True(Directory.Exists(Path.Combine(nodeFolder, "node_modules", "openai")),
            "tests/node/node_modules is missing: run `npm ci` in tests/node (scripts/test.sh does).");

        var run = await ExternalProgram.RunAsync("node",
            ["parse-json-schema.mjs", Server.BaseAddress.ToString().TrimEnd('/'), ApiFactory.Model, schema], nodeFolder);

        Assert.True(run.ExitCode == 0, run.StandardError);
        using var results = JsonDocument.Parse(run.StandardOutput);
        Assert.Equal(3, results.RootElement.GetArrayLength());
        foreach (var result in results.RootElement.EnumerateArray())
        {
            Assert.Equal("stop", result.GetProperty("finishReason").GetString());
            var content = result.GetProperty("content").GetString();
            StructuredOutputs.SchemaAssert.Valid(schema, content);
            // The SDK's own parse of the answer is the same document.
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(content!), JsonNode.Parse(result.GetProperty("parsed").GetRawText())));
        }
    }

    /// <summary>The README's structured-output schema, written out again here so the test does not read it from the README.</summary>
    private const string ShapesSchema = """
        {"type":"object","properties":{"count":{"type":"integer"},"shapes":{"type":"array","items":{"type":"object",
         "properties":{"color":{"type":"string"},"shape":{"type":"string","enum":["circle","square","triangle"]}},
         "required":["color","shape"],"additionalProperties":false}}},"required":["count","shapes"],"additionalProperties":false}
        """;

    [Fact]
    public async Task The_README_curl_examples_work_against_a_running_server()
    {
        var examples = CurlExamples.Read();
        Assert.Equal(["Text", "An image as a data: URL", "Streaming", "A picture of shapes from the default model's held-out set",
            "Structured output: the answer follows a JSON schema", "Tool calling: the answer is a call of report_count, its arguments constrained to the parameters",
            "Sending an image once, then asking about it by id", "The Responses API",
            "Counting tokens before sending"],
            examples.Select(e => e.Title.Split(" (")[0]));
        // The README's examples talk to the server as a user starts it: on the embedded default model.
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Model__Path"] = "" });
        await server.WaitUntilReadyAsync();

        var outputs = new List<string>();
        foreach (var example in examples)
        {
            var run = await ExternalProgram.RunAsync("bash", ["-c", example.Script], Repository.Root,
                new Dictionary<string, string> { ["BASE_URL"] = server.BaseAddress.ToString().TrimEnd('/') });
            Assert.True(run.ExitCode == 0, $"{example.Title}: {run.StandardError}");
            outputs.Add(run.StandardOutput);
        }

        using var text = JsonDocument.Parse(outputs[0]);
        Assert.Equal("chat.completion", text.RootElement.GetProperty("object").GetString());
        using var image = JsonDocument.Parse(outputs[1]);
        Assert.Equal(25, image.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32());
        var events = Sse.DataLines(outputs[2]);
        Assert.Equal("[DONE]", events[^1]);
        using var usageChunk = JsonDocument.Parse(events[^2]);
        Assert.Equal(0, usageChunk.RootElement.GetProperty("choices").GetArrayLength());
        Assert.True(usageChunk.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32() >= 1);
        using var shapes = JsonDocument.Parse(outputs[3]);
        Assert.Equal("4", shapes.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        using var structured = JsonDocument.Parse(outputs[4]);
        var structuredChoice = structured.RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", structuredChoice.GetProperty("finish_reason").GetString());
        var document = structuredChoice.GetProperty("message").GetProperty("content").GetString();
        StructuredOutputs.SchemaAssert.Valid(ShapesSchema, document);
        using (var shapeList = JsonDocument.Parse(document!))
        {
            // example.png holds four shapes (models/florence-vl-shapes/README.md; the generator drew it).
            Assert.Equal(4, shapeList.RootElement.GetProperty("count").GetInt32());
            Assert.Equal(4, shapeList.RootElement.GetProperty("shapes").GetArrayLength());
        }
        using var tool = JsonDocument.Parse(outputs[5]);
        var toolChoice = tool.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", toolChoice.GetProperty("finish_reason").GetString());
        var call = toolChoice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("report_count", call.GetProperty("function").GetProperty("name").GetString());
        using (var arguments = JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!))
            Assert.Equal(4, arguments.RootElement.GetProperty("count").GetInt32());
        using var byId = JsonDocument.Parse(outputs[6]);
        Assert.Equal("4", byId.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        using var response = JsonDocument.Parse(outputs[7]);
        Assert.Equal("response", response.RootElement.GetProperty("object").GetString());
        Assert.Equal("message", response.RootElement.GetProperty("output")[0].GetProperty("type").GetString());
        using var tokenized = JsonDocument.Parse(outputs[8]);
        Assert.Equal(25, tokenized.RootElement.GetProperty("image_tokens").GetInt32());
        Assert.Equal(tokenized.RootElement.GetProperty("tokens").GetArrayLength(), tokenized.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task The_dotNET_SDK_works_over_a_real_socket()
    {
        using var http = Server.CreateClient();
        var chat = OpenAIClients.Chat(http);

        var completion = await chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("Describe."),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TestImages.Jpeg(10)), "image/jpeg"))],
            new ChatCompletionOptions { MaxOutputTokenCount = 4, Temperature = 0 });

        Assert.StartsWith("chatcmpl-", completion.Value.Id);
        Assert.True(completion.Value.Usage.InputTokenCount > 25);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_aborts_its_generation_and_frees_its_KV_blocks()
    {
        using var http = Server.CreateClient();
        // A client that really hangs up: by default HttpClient drains up to 1 MB of an abandoned response to reuse the
        // connection, which with a fast engine reads the whole stream and the server never sees a disconnect.
        using var hangingUp = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = Server.BaseAddress,
        };
        var body = $$"""{"model":"{{ApiFactory.Model}}","stream":true,"max_tokens":200,"n":16,"temperature":1,"seed":3,"messages":[{"role":"user","content":"Go on and on."}]}""";
        var abortsBefore = Metric(await http.GetStringAsync("/metrics"), "florencevl_requests_total{status=\"abort\"}") ?? 0;

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        using (var response = await hangingUp.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync());
        } // disposing the response closes the connection mid-stream

        var deadline = DateTime.UtcNow.AddSeconds(20);
        string metrics;
        do
        {
            await Task.Delay(100);
            metrics = await http.GetStringAsync("/metrics");
        } while (!(Metric(metrics, "florencevl_num_requests_running") == 0 && Metric(metrics, "florencevl_kv_cache_used_blocks") == 0
                   && Metric(metrics, "florencevl_requests_total{status=\"abort\"}") > abortsBefore) && DateTime.UtcNow < deadline);
        Assert.Equal(0, Metric(metrics, "florencevl_num_requests_running"));
        Assert.Equal(0, Metric(metrics, "florencevl_kv_cache_used_blocks"));
        Assert.True(Metric(metrics, "florencevl_requests_total{status=\"abort\"}") > abortsBefore, metrics);
    }

    [Fact]
    public async Task Metrics_health_and_Swagger_are_served_without_a_key()
    {
        using var http = Server.CreateClient();

        var metrics = await http.GetAsync("/metrics");
        var live = await http.GetAsync("/health/live");
        var ready = await http.GetAsync("/health/ready");
        var ui = await http.GetAsync("/swagger/index.html");
        using var document = JsonDocument.Parse(await http.GetStringAsync("/swagger/v1/swagger.json"));

        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();
        foreach (var name in new[] { "florencevl_ready 1", "# TYPE florencevl_pending_work gauge", "# TYPE florencevl_time_to_first_token_seconds histogram",
                     "florencevl_time_to_first_token_seconds_bucket{le=\"+Inf\"}", "# TYPE florencevl_generation_tokens_total counter" })
            Assert.Contains(name, text);
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
            Assert.Matches(@"^(# (HELP|TYPE) florencevl_\w+ .+|florencevl_\w+(\{\w+=""[^""]*""\})? [-+0-9.eEInfNa]+)$", line));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var post = document.RootElement.GetProperty("paths").GetProperty("/v1/chat/completions").GetProperty("post");
        var examples = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples");
        Assert.Equal(["text", "image", "streaming", "json_schema", "tools"], examples.EnumerateObject().Select(e => e.Name));
        Assert.True(post.GetProperty("responses").TryGetProperty("429", out _));
        var requestSchema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ChatCompletionRequest");
        Assert.True(requestSchema.GetProperty("properties").TryGetProperty("max_completion_tokens", out _), "schema names are snake_case");
    }

    private static double? Metric(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(name) + " (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
