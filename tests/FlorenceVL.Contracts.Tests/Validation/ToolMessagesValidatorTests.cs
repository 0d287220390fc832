using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class ToolMessagesValidatorTests
{
    private const string Tools = """
        "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]
        """;

    private const string User = """{"role":"user","content":"Weather in Paris and Rome?"}""";

    private const string TwoCalls = """
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}},
          {"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Rome\"}"}}]}
        """;

    private static string Answer(string id, string content = "\"15 C\"") =>
        $$"""{"role":"tool","tool_call_id":"{{id}}","content":{{content}}}""";

    private static string Conversation(params string[] messages) =>
        $$"""{"model":"m","messages":[{{string.Join(",", messages)}}],{{Tools}}}""";

    private static RequestError SingleError(params string[] messages) => Assert.Single(Parse.Errors(Conversation(messages)));

    [Fact]
    public void A_call_and_result_conversation_is_valid()
    {
        Assert.Empty(Parse.Errors(Conversation(
            """{"role":"system","content":"Use the tools."}""", User, TwoCalls,
            Answer("call_b"), Answer("call_a", """[{"type":"text","text":"22 C"}]"""),
            """{"role":"assistant","content":"Paris 22 C, Rome 15 C.","tool_calls":[]}""",
            """{"role":"user","content":"Thanks"}""")));
    }

    [Fact]
    public void Calls_still_unanswered_at_the_end_are_accepted()
    {
        Assert.Empty(Parse.Errors(Conversation(User, TwoCalls, Answer("call_a"))));
    }

    [Fact]
    public void An_assistant_message_with_calls_may_carry_content_or_none()
    {
        var withText = TwoCalls.Replace("\"content\":null,", "\"content\":\"Let me check.\",");
        var absent = TwoCalls.Replace("\"content\":null,", "");

        Assert.Empty(Parse.Errors(Conversation(User, withText, Answer("call_a"), Answer("call_b"))));
        Assert.Empty(Parse.Errors(Conversation(User, absent, Answer("call_a"), Answer("call_b"))));
    }

    [Fact]
    public void A_tool_message_without_tool_call_id_is_refused()
    {
        var error = SingleError(User, TwoCalls, """{"role":"tool","content":"15 C"}""", Answer("call_a"), Answer("call_b"));

        Assert.Equal(("messages[2].tool_call_id", OpenAIErrorCodes.MissingRequiredParameter), (error.Param, error.Code));
    }

    [Theory]
    [InlineData("""{"role":"tool","tool_call_id":"call_b"}""", "messages[3].content", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"role":"tool","tool_call_id":"call_b","content":null}""", "messages[3].content", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"role":"tool","tool_call_id":"call_b","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]}""", "messages[3].content[0]", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"role":"tool","tool_call_id":"call_b","content":"x","tool_calls":[]}""", "messages[3].tool_calls", OpenAIErrorCodes.InvalidValue)]
    public void Tool_messages_need_text_content(string answer, string param, string code)
    {
        var error = SingleError(User, TwoCalls, Answer("call_a"), answer);

        Assert.Equal((param, code), (error.Param, error.Code));
    }

    [Fact]
    public void A_result_for_an_unknown_call_is_refused_at_its_id()
    {
        var error = SingleError(User, TwoCalls, Answer("call_a"), Answer("call_b"), Answer("call_c"));

        Assert.Equal(("messages[4].tool_call_id", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Equal("Invalid parameter: 'tool_call_id' of 'call_c' not found in 'tool_calls' of previous message.", error.Message);
    }

    [Fact]
    public void A_second_result_for_one_call_is_refused()
    {
        var error = SingleError(User, TwoCalls, Answer("call_a"), Answer("call_b"), Answer("call_a"));

        Assert.Equal(("messages[4].tool_call_id", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
    }

    [Fact]
    public void Results_answer_only_the_latest_assistant_message()
    {
        var earlier = TwoCalls.Replace("call_a", "call_x").Replace("call_b", "call_y");

        var error = SingleError(User, earlier, Answer("call_x"), Answer("call_y"), TwoCalls, Answer("call_a"), Answer("call_x"), Answer("call_b"));

        Assert.Equal(("messages[6].tool_call_id", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_result_with_no_calls_before_it_is_refused(int userMessagesBefore)
    {
        var messages = Enumerable.Repeat(User, userMessagesBefore).Append(Answer("call_a")).ToArray();

        var error = SingleError(messages);

        Assert.Equal(($"messages[{userMessagesBefore}].role", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Contains("must be a response to a preceding message with 'tool_calls'", error.Message);
    }

    [Fact]
    public void A_result_after_another_message_no_longer_answers_the_calls()
    {
        var errors = Parse.Errors(Conversation(User, TwoCalls, Answer("call_a"), Answer("call_b"), User, Answer("call_a")));

        Assert.Equal("messages[5].role", Assert.Single(errors).Param);
    }

    [Fact]
    public void Calls_left_unanswered_before_another_message_are_named()
    {
        var error = SingleError(User, TwoCalls, User);

        Assert.Equal(("messages", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Equal(
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
            + "The following tool_call_ids did not have response messages: call_a, call_b",
            error.Message);
    }

    [Fact]
    public void A_partly_answered_message_names_only_the_missing_ids()
    {
        var error = SingleError(User, TwoCalls, Answer("call_b"), """{"role":"assistant","content":"Rome is 15 C."}""");

        Assert.Equal("messages", error.Param);
        Assert.EndsWith("did not have response messages: call_a", error.Message);
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"f","arguments":"{}"}}""", "messages[1].tool_calls[0].id", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"id":"c","type":null,"function":{"name":"f","arguments":"{}"}}""", "messages[1].tool_calls[0].type", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"id":"c","type":"custom","function":{"name":"f","arguments":"{}"}}""", "messages[1].tool_calls[0].type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"id":"c","type":"function"}""", "messages[1].tool_calls[0].function", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"id":"c","type":"function","function":{"arguments":"{}"}}""", "messages[1].tool_calls[0].function.name", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"id":"c","type":"function","function":{"name":"f"}}""", "messages[1].tool_calls[0].function.arguments", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"id":"c","type":"function","function":{"name":"f","arguments":"{}"},"index":0}""", "messages[1].tool_calls[0].index", OpenAIErrorCodes.UnknownParameter)]
    [InlineData("""{"id":"c","type":"function","function":{"name":"f","arguments":"{}","extra":1}}""", "messages[1].tool_calls[0].function.extra", OpenAIErrorCodes.UnknownParameter)]
    [InlineData("""null""", "messages[1].tool_calls[0]", OpenAIErrorCodes.InvalidType)]
    public void Call_problems_are_reported_at_their_path(string call, string param, string code)
    {
        var error = Assert.Single(Parse.Errors(Conversation(User, $$"""{"role":"assistant","tool_calls":[{{call}}]}""")));

        Assert.Equal((param, code), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void Arguments_must_be_a_string_not_an_object()
    {
        var error = Parse.Failure(Conversation(User,
            """{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}"""));

        Assert.Equal(("messages[1].tool_calls[0].function.arguments", OpenAIErrorCodes.InvalidType), (error.Param, error.Code));
    }

    [Theory]
    [InlineData("""{"role":"user","content":"Hi","tool_call_id":"call_a"}""", "messages[0].tool_call_id")]
    [InlineData("""{"role":"assistant","content":"Hi","tool_call_id":"call_a"}""", "messages[0].tool_call_id")]
    [InlineData("""{"role":"user","content":"Hi","tool_calls":[]}""", "messages[0].tool_calls")]
    public void Tool_fields_on_other_roles_are_refused(string message, string param)
    {
        var error = SingleError(message);

        Assert.Equal((param, OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void The_role_error_lists_tool_among_the_supported_roles()
    {
        var error = SingleError("""{"role":"robot","content":"Hi"}""");

        Assert.Equal(
            "Invalid value for 'messages[0].role': 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.",
            error.Message);
    }
}
