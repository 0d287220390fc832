namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// One problem with a client request. <paramref name="Param"/> is the JSON path of the offending field without
/// the leading "$" ("messages[0].content[1].image_url.url"), or null when the body as a whole is at fault.
/// <paramref name="Code"/> is one of <see cref="Errors.OpenAIErrorCodes"/>.
/// </summary>
public sealed record RequestError(string Message, string? Param, string Code);
