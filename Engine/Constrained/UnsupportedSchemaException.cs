namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// The schema asks for something the grammar engine cannot enforce, or is malformed or too large. The Api maps it
/// to a 400 <c>invalid_request_error</c> with <c>param: response_format</c>; <see cref="JsonPath"/> points at the
/// offending place, e.g. <c>$.properties.name.pattern</c>.
/// </summary>
public sealed class UnsupportedSchemaException(string message, string keyword, string jsonPath)
    : Exception($"{message} (keyword '{keyword}' at {jsonPath})")
{
    public string Keyword { get; } = keyword;

    public string JsonPath { get; } = jsonPath;
}
