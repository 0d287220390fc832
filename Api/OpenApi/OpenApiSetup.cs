using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;

namespace FlorenceVL.Api.OpenApi;

/// <summary>Swashbuckle: the OpenAPI document at /swagger/v1/swagger.json and the UI at /swagger.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddFlorenceVLOpenApi(this IServiceCollection services)
    {
        // The document describes the wire: the same snake_case names and omitted nulls as ContractsJsonContext.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "FlorenceVL.Api",
                Version = "v1",
                Description = "OpenAI-compatible Chat Completions for Florence-VL vision-language models.",
            });
            options.OperationFilter<ChatCompletionDocumentation>();
            // Read by a converter, so the generated schema would show its C# properties instead of the two wire forms.
            options.MapType<Contracts.Chat.ToolChoice>(() => new OpenApiSchema
            {
                Description = "\"none\", \"auto\", \"required\", or {\"type\": \"function\", \"function\": {\"name\": ...}}.",
                OneOf =
                [
                    new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("none"), JsonValue.Create("auto"), JsonValue.Create("required")] },
                    new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("function")] },
                            ["function"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Properties = new Dictionary<string, IOpenApiSchema> { ["name"] = new OpenApiSchema { Type = JsonSchemaType.String } },
                            },
                        },
                    },
                ],
            });
        });
        return services;
    }

    public static WebApplication UseFlorenceVLOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options => options.SwaggerEndpoint("/swagger/v1/swagger.json", "FlorenceVL.Api v1"));
        return app;
    }
}
