using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Api.Errors;

/// <summary>A client mistake found by the Api's own mapping (images, limits); carries the reply to send.</summary>
public sealed class OpenAIRequestException(OpenAIErrorReply reply) : Exception(reply.Body.Error.Message)
{
    public OpenAIErrorReply Reply { get; } = reply;

    public static OpenAIRequestException Invalid(string message, string? param, string code) =>
        new(OpenAIErrorReply.InvalidRequest(message, param, code));
}
