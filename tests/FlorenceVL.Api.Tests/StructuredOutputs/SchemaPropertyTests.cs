using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.StructuredOutputs;

/// <summary>
/// A few hundred random schemas from the supported subset through the whole server (HTTP, validation, grammar cache,
/// batched engine) on the random-weight model at temperature 1, 16 at a time so constrained rows share batches:
/// every "stop" answer validates under JsonSchema.Net, and the grammar-fault counters in /metrics stay 0.
/// </summary>
public sealed class SchemaPropertyTests(LongContextFactory factory) : IClassFixture<LongContextFactory>
{
    private const int NumSchemas = 300;

    [Fact]
    public async Task Every_finished_answer_validates_against_its_random_schema()
    {
        var client = await factory.ReadyClientAsync();
        var random = new Random(20261207);
        var schemas = Enumerable.Range(0, NumSchemas).Select(_ => RandomSchemas.Generate(random).ToJsonString()).ToList();
        var outcomes = new List<(string Schema, string Content, string Finish)>();

        foreach (var batch in schemas.Select((schema, i) => (schema, i)).Chunk(16))
            outcomes.AddRange(await Task.WhenAll(batch.Select(item => AskAsync(client, item.schema, seed: item.i))));

        var finished = outcomes.Where(o => o.Finish == "stop").ToList();
        Assert.All(finished, o => SchemaAssert.Valid(o.Schema, o.Content));
        // Not vacuous: most random documents are short enough to finish inside the budget.
        Assert.True(finished.Count >= NumSchemas / 2, $"only {finished.Count} of {NumSchemas} answers finished");
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains("florencevl_constrained_empty_masks_total 0\n", metrics);
        Assert.Contains("florencevl_constrained_refused_tokens_total 0\n", metrics);
        Assert.DoesNotContain("florencevl_constrained_masks_total 0\n", metrics);
    }

    private static async Task<(string Schema, string Content, string Finish)> AskAsync(HttpClient client, string schema, int seed)
    {
        var body = new JsonObject
        {
            ["model"] = ApiFactory.Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Any value." }),
            ["temperature"] = 1,
            ["seed"] = seed,
            ["max_tokens"] = 160,
            ["response_format"] = new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = "random", ["schema"] = JsonNode.Parse(schema) },
            },
        };
        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} for {schema}: {text}");
        using var document = JsonDocument.Parse(text);
        var choice = document.RootElement.GetProperty("choices")[0];
        return (schema, choice.GetProperty("message").GetProperty("content").GetString()!, choice.GetProperty("finish_reason").GetString()!);
    }
}
