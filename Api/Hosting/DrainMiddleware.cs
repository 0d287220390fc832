using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Api.Hosting;

/// <summary>
/// Counts /v1 requests in and out of <see cref="DrainState"/>. While draining, new /v1 requests and /health/ready get
/// 503 in OpenAI's shape (type server_error, code service_unavailable) so load balancers and clients move on, and
/// /health/live stays 200 so the kubelet lets the drain finish.
/// </summary>
public sealed class DrainMiddleware(RequestDelegate next, DrainState drain)
{
    private static readonly OpenAIErrorReply ShuttingDown =
        OpenAIErrorReply.ServiceUnavailable("The server is shutting down. Please retry on another replica.", TimeSpan.FromSeconds(1));

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health/ready") && drain.IsDraining)
        {
            await OpenAIErrorResult.WriteAsync(context.Response, ShuttingDown);
            return;
        }
        if (!path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }
        if (!drain.TryEnter())
        {
            context.Response.Headers.Connection = "close";
            await OpenAIErrorResult.WriteAsync(context.Response, ShuttingDown);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            drain.Exit();
        }
    }
}
