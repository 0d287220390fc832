using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class ResponseFormatValidatorTests
{
    private static string WithFormat(string format, string content = "Answer in JSON.") =>
        $$"""{"model":"m","messages":[{"role":"user","content":"{{content}}"}],"response_format":{{format}}}""";

    [Fact]
    public void A_full_json_schema_request_is_valid()
    {
        // The structured outputs example of OpenAI's guide.
        Assert.Empty(Parse.Errors("""
            {
              "model": "m",
              "messages": [
                {"role": "system", "content": "Extract the event information."},
                {"role": "user", "content": "Alice and Bob are going to a science fair on Friday."}
              ],
              "response_format": {
                "type": "json_schema",
                "json_schema": {
                  "name": "calendar_event",
                  "description": "An event on a calendar",
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {"type": "string"},
                      "date": {"type": "string"},
                      "participants": {"type": "array", "items": {"type": "string"}}
                    },
                    "required": ["name", "date", "participants"],
                    "additionalProperties": false
                  },
                  "strict": true
                }
              }
            }
            """));
    }

    [Theory]
    [InlineData("""{"type":"text"}""")]
    [InlineData("""{"type":"json_object"}""")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"a-Z_09"}}""")]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":null,"strict":false}}""")]
    public void Supported_formats_are_accepted(string format)
    {
        Assert.Empty(Parse.Errors(WithFormat(format)));
    }

    [Theory]
    [InlineData("""{}""", "response_format.type", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"xml"}""", "response_format.type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"json_schema"}""", "response_format.json_schema", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"json_schema","json_schema":{}}""", "response_format.json_schema.name", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":""}}""", "response_format.json_schema.name", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"two words"}}""", "response_format.json_schema.name", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":[]}}""", "response_format.json_schema.schema", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":"{}"}}""", "response_format.json_schema.schema", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"type":"json_object","strict":true}""", "response_format.strict", OpenAIErrorCodes.UnknownParameter)]
    [InlineData("""{"type":"json_schema","json_schema":{"name":"x","schema":{},"format":"y"}}""", "response_format.json_schema.format", OpenAIErrorCodes.UnknownParameter)]
    public void Format_problems_are_reported_at_their_path(string format, string param, string code)
    {
        var error = Assert.Single(Parse.Errors(WithFormat(format)));

        Assert.Equal((param, code), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void An_unknown_type_lists_the_supported_ones()
    {
        var error = Assert.Single(Parse.Errors(WithFormat("""{"type":"xml"}""")));

        Assert.Equal(
            "Invalid value for 'response_format.type': 'xml'. Supported values are: 'text', 'json_object', and 'json_schema'.",
            error.Message);
    }

    [Fact]
    public void Names_longer_than_64_characters_are_refused()
    {
        Assert.Empty(Parse.Errors(WithFormat($$$"""{"type":"json_schema","json_schema":{"name":"{{{new string('n', 64)}}}"}}""")));
        var error = Assert.Single(Parse.Errors(WithFormat($$$"""{"type":"json_schema","json_schema":{"name":"{{{new string('n', 65)}}}"}}""")));

        Assert.Equal(("response_format.json_schema.name", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Contains("^[a-zA-Z0-9_-]{1,64}$", error.Message);
    }

    [Fact]
    public void Json_object_needs_the_word_json_in_some_message()
    {
        var error = Assert.Single(Parse.Errors(WithFormat("""{"type":"json_object"}""", content: "List three colours.")));

        Assert.Equal(("messages", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Equal(
            "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
            error.Message);
    }

    [Fact]
    public void The_word_json_counts_in_any_case_and_in_text_parts_of_any_message()
    {
        Assert.Empty(Parse.Errors("""
            {"model":"m","response_format":{"type":"json_object"},"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"Reply as JSON."}]}]}
            """));
        Assert.Empty(Parse.Errors(WithFormat("""{"type":"json_object"}""", content: "a JsOn object please")));
    }

    [Fact]
    public void Schemas_above_the_size_limit_are_refused_and_the_limit_is_a_setting()
    {
        var schema = $$"""{"type":"object","description":"{{new string('d', 100)}}"}""";
        var format = $$$"""{"type":"json_schema","json_schema":{"name":"x","schema":{{{schema}}}}}""";
        var limits = new ChatRequestLimits { MaxSchemaBytes = schema.Length - 1 };

        Assert.Empty(Parse.Errors(WithFormat(format), limits with { MaxSchemaBytes = schema.Length }));
        var error = Assert.Single(Parse.Errors(WithFormat(format), limits));

        Assert.Equal(("response_format.json_schema.schema", OpenAIErrorCodes.StringAboveMaxLength), (error.Param, error.Code));
        Assert.Contains($"{schema.Length - 1} bytes", error.Message);
        Assert.Contains("FlorenceVL:Limits:MaxSchemaBytes", error.Message);
    }

    [Fact]
    public void Schema_size_counts_utf8_bytes_not_characters()
    {
        var schema = """{"description":"ééééé"}""";
        var format = $$$"""{"type":"json_schema","json_schema":{"name":"x","schema":{{{schema}}}}}""";

        Assert.Single(Parse.Errors(WithFormat(format), new ChatRequestLimits { MaxSchemaBytes = schema.Length }));
    }
}
