using System.Text.Json;
using Json.Schema;

namespace FlorenceVL.Api.Tests.StructuredOutputs;

/// <summary>Validates output with JsonSchema.Net: an independent JSON Schema implementation, not our grammar engine.</summary>
public static class SchemaAssert
{
    public static void Valid(string schemaJson, string? document)
    {
        Assert.NotNull(document);
        using var parsed = JsonDocument.Parse(document); // throws on anything that is not one JSON document
        var result = JsonSchema.FromText(schemaJson).Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{document}\nfails {schemaJson}");
    }
}
