namespace FlorenceVL.Engine.Inference;

/// <summary>
/// A request the engine refuses before scheduling anything. <see cref="Param"/> and <see cref="Code"/> follow the
/// OpenAI error object, so the API maps this one-to-one onto a 400 response.
/// </summary>
public sealed class InvalidRequestException(string param, string message, string code) : Exception(message)
{
    public string Param { get; } = param;

    public string Code { get; } = code;
}
