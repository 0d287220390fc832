using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class ToolsValidatorTests
{
    private const string Weather = """
        {"type":"function","function":{"name":"get_weather","description":"Get the current weather",
         "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},"strict":true}}
        """;

    private static string WithFields(string fields) =>
        $$"""{"model":"m","messages":[{"role":"user","content":"Weather in Paris?"}],{{fields}}}""";

    private static string WithTools(params string[] tools) => WithFields($"\"tools\":[{string.Join(",", tools)}]");

    [Fact]
    public void Tools_with_a_named_tool_choice_are_valid()
    {
        Assert.Empty(Parse.Errors(WithFields($$$"""
            "tools":[{{{Weather}}},{"type":"function","function":{"name":"no-args_2"}}],
            "tool_choice":{"type":"function","function":{"name":"get_weather"}},
            "parallel_tool_calls":false
            """)));
    }

    [Theory]
    [InlineData("\"none\"")]
    [InlineData("\"auto\"")]
    [InlineData("\"required\"")]
    public void Every_tool_choice_mode_is_valid_with_tools(string choice)
    {
        Assert.Empty(Parse.Errors(WithFields($"\"tools\":[{Weather}],\"tool_choice\":{choice}")));
    }

    [Theory]
    [InlineData("\"parallel_tool_calls\":true")]
    [InlineData("\"tool_choice\":\"none\"")]
    [InlineData("\"tool_choice\":null,\"tools\":null")]
    public void Fields_that_ask_for_nothing_are_valid_without_tools(string fields)
    {
        Assert.Empty(Parse.Errors(WithFields(fields)));
    }

    [Theory]
    [InlineData("""{"function":{"name":"f"}}""", "tools[0].type", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"custom","function":{"name":"f"}}""", "tools[0].type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"function"}""", "tools[0].function", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"function","function":{}}""", "tools[0].function.name", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"type":"function","function":{"name":"get.weather"}}""", "tools[0].function.name", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"function","function":{"name":""}}""", "tools[0].function.name", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"type":"function","function":{"name":"f","parameters":"{}"}}""", "tools[0].function.parameters", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"type":"function","function":{"name":"f","parameters":[]}}""", "tools[0].function.parameters", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"type":"function","function":{"name":"f"},"cache_control":{}}""", "tools[0].cache_control", OpenAIErrorCodes.UnknownParameter)]
    [InlineData("""{"type":"function","function":{"name":"f","params":{}}}""", "tools[0].function.params", OpenAIErrorCodes.UnknownParameter)]
    [InlineData("""null""", "tools[0]", OpenAIErrorCodes.InvalidType)]
    public void Tool_problems_are_reported_at_their_path(string tool, string param, string code)
    {
        var error = Assert.Single(Parse.Errors(WithTools(tool)));

        Assert.Equal((param, code), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void An_empty_tools_array_is_refused()
    {
        var error = Assert.Single(Parse.Errors(WithFields("\"tools\":[]")));

        Assert.Equal(("tools", OpenAIErrorCodes.EmptyArray), (error.Param, error.Code));
    }

    [Fact]
    public void At_most_128_tools_are_allowed()
    {
        string Tools(int count) => WithTools(Enumerable.Range(0, count)
            .Select(i => $$$"""{"type":"function","function":{"name":"f{{{i}}}"}}""").ToArray());

        Assert.Empty(Parse.Errors(Tools(128)));
        var error = Assert.Single(Parse.Errors(Tools(129)));

        Assert.Equal(("tools", OpenAIErrorCodes.ArrayAboveMaxLength), (error.Param, error.Code));
        Assert.Contains("maximum length 128", error.Message);
    }

    [Fact]
    public void Duplicate_function_names_are_refused_at_the_second_one()
    {
        var error = Assert.Single(Parse.Errors(WithTools(Weather, """{"type":"function","function":{"name":"x"}}""", Weather)));

        Assert.Equal(("tools[2].function.name", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Contains("Duplicate function name 'get_weather'", error.Message);
    }

    [Fact]
    public void The_size_limit_applies_to_all_parameters_together()
    {
        const string parameters = """{"type":"object"}""";
        var tool = $$$"""{"type":"function","function":{"name":"NAME","parameters":{{{parameters}}}}}""";
        var body = WithTools(tool.Replace("NAME", "a"), tool.Replace("NAME", "b"));

        Assert.Empty(Parse.Errors(body, new ChatRequestLimits { MaxSchemaBytes = 2 * parameters.Length }));
        var error = Assert.Single(Parse.Errors(body, new ChatRequestLimits { MaxSchemaBytes = 2 * parameters.Length - 1 }));

        Assert.Equal(("tools", OpenAIErrorCodes.StringAboveMaxLength), (error.Param, error.Code));
        Assert.Contains("FlorenceVL:Limits:MaxSchemaBytes", error.Message);
    }

    [Theory]
    [InlineData("\"tool_choice\":\"any\"", "tool_choice", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"tool_choice\":{\"function\":{\"name\":\"get_weather\"}}", "tool_choice.type", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("\"tool_choice\":{\"type\":\"custom\",\"function\":{\"name\":\"get_weather\"}}", "tool_choice.type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"tool_choice\":{\"type\":\"function\"}", "tool_choice.function.name", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("\"tool_choice\":{\"type\":\"function\",\"function\":{}}", "tool_choice.function.name", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", "tool_choice", OpenAIErrorCodes.InvalidValue)]
    public void Tool_choice_problems_are_reported_at_their_path(string choice, string param, string code)
    {
        var error = Assert.Single(Parse.Errors(WithFields($"\"tools\":[{Weather}],{choice}")));

        Assert.Equal((param, code), (error.Param, error.Code));
    }

    [Fact]
    public void A_named_function_must_be_one_of_the_tools()
    {
        var error = Assert.Single(Parse.Errors(WithFields(
            $$$"""
            "tools":[{{{Weather}}}],"tool_choice":{"type":"function","function":{"name":"get_time"}}
            """)));

        Assert.Equal("Invalid value for 'tool_choice': function 'get_time' is not one of the tools.", error.Message);
    }

    [Theory]
    [InlineData("\"auto\"")]
    [InlineData("\"required\"")]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}")]
    public void Tool_choice_other_than_none_needs_tools(string choice)
    {
        var error = Assert.Single(Parse.Errors(WithFields($"\"tool_choice\":{choice}")));

        Assert.Equal(("tool_choice", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Equal("'tool_choice' is only allowed when 'tools' are specified.", error.Message);
    }

    [Fact]
    public void Tool_problems_come_after_the_earlier_fields_and_before_unknown_ones()
    {
        var errors = Parse.Errors("""
            {"model":"m","messages":[{"role":"user","content":"Hi"}],"n":0,"foo":1,
             "response_format":{"type":"xml"},"tools":[],"tool_choice":"any"}
            """);

        Assert.Equal(["n", "response_format.type", "tools", "tool_choice", "foo"], errors.Select(e => e.Param));
    }

    [Fact]
    public void Parameters_whose_root_is_not_an_object_are_refused_as_OpenAI_does()
    {
        var error = Assert.Single(Parse.Errors(WithTools("""
            {"type":"function","function":{"name":"f","parameters":{"type":"array","items":{"type":"string"}}}}
            """)));

        Assert.Equal(("tools[0].function.parameters", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Equal("Invalid schema for function 'f': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"array\"'.", error.Message);
    }
}
