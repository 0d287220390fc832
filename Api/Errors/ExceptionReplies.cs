using FlorenceVL.Contracts.Errors;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Api.Errors;

/// <summary>
/// The one place that knows which exceptions are the client's fault. Anything not listed is the server's (500, with no
/// detail on the wire). Used by <see cref="OpenAIExceptionHandler"/> before a response starts and by the stream after.
/// </summary>
public static class ExceptionReplies
{
    /// <summary>How long an overloaded server asks clients to wait.</summary>
    public static readonly TimeSpan OverloadRetryAfter = TimeSpan.FromSeconds(1);

    public static OpenAIErrorReply? ForClient(Exception exception) => exception switch
    {
        OpenAIRequestException request => request.Reply,
        InvalidRequestException invalid => EngineRequestErrors.Reply(invalid),
        ImageInputException image => OpenAIErrorReply.InvalidRequest(image.Message, "messages", image.WireCode),
        ChatTemplateException template => OpenAIErrorReply.InvalidRequest(template.Message, "messages", OpenAIErrorCodes.InvalidValue),
        EngineOverloadedException => OpenAIErrorReply.RateLimited(OverloadRetryAfter),
        BadHttpRequestException { StatusCode: 413 } => OpenAIErrorReply.InvalidRequest(
            "The request body is too large.", null, OpenAIErrorCodes.RequestTooLarge) with { StatusCode = 413 },
        BadHttpRequestException bad => OpenAIErrorReply.InvalidRequest(bad.Message, null, OpenAIErrorCodes.InvalidValue),
        _ => null,
    };

    public static OpenAIErrorReply For(Exception exception) => ForClient(exception) ?? OpenAIErrorReply.ServerError();
}
