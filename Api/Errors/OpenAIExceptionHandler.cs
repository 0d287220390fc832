using Microsoft.AspNetCore.Diagnostics;

namespace FlorenceVL.Api.Errors;

/// <summary>
/// Any exception escaping a /v1 handler becomes OpenAI's error JSON: the client's mistakes with their 4xx, anything
/// else a bare 500 (logged here with its stack trace, never sent). Other paths fall through to ProblemDetails.
/// </summary>
public sealed class OpenAIExceptionHandler(ILogger<OpenAIExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/v1") || httpContext.Response.HasStarted)
            return false;
        var clientReply = ExceptionReplies.ForClient(exception);
        if (clientReply is null)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        await OpenAIErrorResult.WriteAsync(httpContext.Response, clientReply ?? ExceptionReplies.For(exception));
        return true;
    }
}
