using System.Text.Json;
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
