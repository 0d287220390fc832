using System.Globalization;
using System.Reflection;
using System.Text.Json;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Errors;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlorenceVL.Api.Errors;

/// <summary>Writes an <see cref="OpenAIErrorReply"/>: its status, Retry-After when it has one, and the OpenAI error body.</summary>
public sealed class OpenAIErrorResult(OpenAIErrorReply reply) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private static readonly int[] DocumentedStatuses = [400, 401, 404, 413, 429, 503];

    public OpenAIErrorReply Reply { get; } = reply;

    public int? StatusCode => Reply.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext.Response, Reply);

    public static async Task WriteAsync(HttpResponse response, OpenAIErrorReply reply)
    {
        response.StatusCode = reply.StatusCode;
        if (reply.RetryAfter is { } retryAfter)
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, reply.Body, ContractsJsonContext.Default.OpenAIErrorResponse, response.HttpContext.RequestAborted);
    }

    /// <summary>Every error status a /v1 endpoint may answer, for the OpenAPI document.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in DocumentedStatuses)
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(OpenAIErrorResponse), ["application/json"]));
    }
}

/// <summary>Short names for the error results the handlers return.</summary>
public static class OpenAIErrors
{
    public static OpenAIErrorResult From(OpenAIErrorReply reply) => new(reply);

    public static OpenAIErrorResult NotReady() =>
        new(OpenAIErrorReply.ServiceUnavailable("The model is still loading. Please retry shortly.", TimeSpan.FromSeconds(5)));
}
