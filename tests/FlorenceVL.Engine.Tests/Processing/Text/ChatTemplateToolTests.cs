using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

/// <summary>
/// Tool definitions, calls and results as the templates render them. The Llama expectations are written out by hand
/// from Meta's Llama 3.1 chat template (tools_in_user_message, "ipython" results, one JSON call per turn), with
/// Florence-VL's system prompt in place of the date lines; the Phi ones from the design in ToolCallFormat's docs.
/// </summary>
public class ChatTemplateToolTests
{
    private static readonly ToolSpec Weather = new("get_weather", "Weather in a city",
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");

    private static readonly IReadOnlyList<ChatMessage> CallAndResult =
    [
        ChatMessage.FromText(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, []) { ToolCalls = [new ToolCallSpec("call_1", "get_weather", """{"city": "Paris"}""")] },
        new(ChatRole.Tool, [new TextPart("""{"temp": 21}""")]) { ToolName = "get_weather" },
    ];

    [Fact]
    public void Llama_renders_tools_calls_and_results_like_meta_llama_3_1_template()
    {
        var template = ChatTemplates.ForModelType("llava_llama", TokenizerFixtures.Bpe());

        var text = template.RenderText(CallAndResult, tools: [Weather]);

        const string definition = """
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather in a city",
                    "parameters": {
                        "type": "object",
                        "properties": {
                            "city": {
                                "type": "string"
                            }
                        },
                        "required": [
                            "city"
                        ]
                    }
                }
            }
            """;
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\n\nA chat between a curious user and an "
            + "artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON for a function call "
            + "with its proper arguments that best answers the given prompt.\n\nRespond in the format {\"name\": function name, "
            + "\"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n"
            + definition.ReplaceLineEndings("\n") + "\n\nWeather in Paris?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
            + "<|start_header_id|>ipython<|end_header_id|>\n\n{\"temp\": 21}<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Fact]
    public void Phi_puts_tools_in_the_system_block_calls_as_an_array_and_results_in_a_user_turn()
    {
        var template = ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle());

        var text = template.RenderText(CallAndResult, tools: [Weather]);

        Assert.StartsWith("<|system|>\nYou are a helpful AI assistant.\n\nYou can call these tools:\n"
            + """{"name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""",
            text);
        Assert.EndsWith("<|end|>\n<|user|>\nWeather in Paris?<|end|>\n<|assistant|>\n"
            + """[{"name": "get_weather", "arguments": {"city": "Paris"}}]<|end|>"""
            + "\n<|user|>\nResult of the tool call to get_weather: {\"temp\": 21}<|end|>\n<|assistant|>\n",
            text);
    }

    [Fact]
    public void Without_tools_the_prompt_is_unchanged()
    {
        var template = ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle());
        IReadOnlyList<ChatMessage> question = [ChatMessage.FromText(ChatRole.User, "Hi")];

        Assert.Equal(template.RenderText(question), template.RenderText(question, tools: []));
    }

    [Fact]
    public void A_tool_message_that_does_not_follow_an_assistant_turn_is_refused()
    {
        var template = ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle());

        var error = Assert.Throws<ChatTemplateException>(() => template.RenderPrompt(
            [ChatMessage.FromText(ChatRole.User, "Hi"), ChatMessage.FromText(ChatRole.Tool, "42")]));

        Assert.Equal("Message 1 (Tool) does not follow an assistant message's tool calls.", error.Message);
    }

    [Fact]
    public void Llama_tool_call_format_is_one_object_with_parameters_and_phi_an_array_with_arguments()
    {
        var llama = ChatTemplates.ForModelType("llava_llama", TokenizerFixtures.Bpe()).ToolCallFormat;
        var phi = ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle()).ToolCallFormat;

        Assert.Equal((ToolCallShape.SingleObject, "parameters"), (llama.Shape, llama.ArgumentsKey));
        Assert.Equal((ToolCallShape.Array, "arguments"), (phi.Shape, phi.ArgumentsKey));
    }
}
