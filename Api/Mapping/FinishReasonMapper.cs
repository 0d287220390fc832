using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Api.Mapping;

public static class FinishReasonMapper
{
    /// <summary>An abort the client did not cause (the engine is stopping) has no OpenAI finish reason: it is a 503.</summary>
    public static string Map(FinishReason reason) => reason switch
    {
        FinishReason.Stop => FinishReasons.Stop,
        FinishReason.Length => FinishReasons.Length,
        _ => throw new OpenAIRequestException(OpenAIErrorReply.ServiceUnavailable("The request was aborted because the server is shutting down.")),
    };
}
