using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Api.Auth;

/// <summary>Requires "Authorization: Bearer KEY" on /v1 when keys are configured. The key is never logged or echoed.</summary>
public sealed class ApiKeyFilter(ApiKeyStore keys) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!keys.IsEnabled)
            return next(context);
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return Reject(OpenAIErrorReply.MissingApiKey());
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !keys.Accepts(header[Scheme.Length..].Trim()))
            return Reject(OpenAIErrorReply.InvalidApiKey());
        return next(context);
    }

    private static ValueTask<object?> Reject(OpenAIErrorReply reply) => ValueTask.FromResult<object?>(OpenAIErrors.From(reply));
}
