using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class ChatTemplateTests
{
    private const int Marker = 0;

    private static readonly IReadOnlyList<ChatMessage> MultiTurn =
    [
        ChatMessage.FromText(ChatRole.Developer, "Hi there"),
        new(ChatRole.User, [new ImagePart(0), new TextPart("Describe in detail what is shown in the image.")]),
        ChatMessage.FromText(ChatRole.Assistant, "A red circle above a blue square on a white background."),
        new(ChatRole.User, [new TextPart("x"), new ImagePart(1), new ImagePart(2)]),
    ];

    private static IChatTemplate Phi(bool rstrip = false) => ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle(rstrip));

    private static IChatTemplate Llama() => ChatTemplates.ForModelType("llava_llama", TokenizerFixtures.Bpe());

    [Fact]
    public void Phi_prompt_text_is_llava_conv_phi3_instruct_with_its_default_system_prompt()
    {
        var text = Phi().RenderText([new ChatMessage(ChatRole.User, [new ImagePart(0), new TextPart("What is this?")])]);

        Assert.Equal("<|system|>\nYou are a helpful AI assistant.<|end|>\n<|user|>\n<image>\nWhat is this?<|end|>\n<|assistant|>\n", text);
    }

    [Fact]
    public void Llama_prompt_text_is_llava_conv_llama3_with_its_default_system_prompt()
    {
        var text = Llama().RenderText([new ChatMessage(ChatRole.User, [new ImagePart(0), new TextPart("What is this?")])]);

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nA chat between a curious user and an artificial "
            + "intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\n<image>\nWhat is this?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            text);
    }

    [Fact]
    public void Phi_multi_turn_conversation_renders_the_exact_tokens()
    {
        var tokenizer = TokenizerFixtures.PhiStyle();
        var template = ChatTemplates.ForModelType("llava_phi", tokenizer);
        int[] Fresh(string s) => [.. tokenizer.Encode(s)];
        int[] Cont(string s) => [.. tokenizer.EncodeContinuation(s)];
        const int system = 1006, end = 1007, user = 1010, assistant = 1001, newline = 383;

        int[] expected =
        [
            system, .. Cont("\nHi there"), end, newline, user, newline, Marker,
            .. Fresh("\nDescribe in detail what is shown in the image."), end, newline, assistant,
            .. Cont("\nA red circle above a blue square on a white background."), end, newline, user, .. Cont("\nx\n"), Marker,
            .. Fresh("\n"), Marker,
            .. Fresh("\n"), end, newline, assistant, newline,
        ];

        var prompt = template.RenderPrompt(MultiTurn);

        Assert.Equal(expected, prompt.Ids);
        Assert.Equal([0, 1, 2], prompt.Markers.Select(m => m.ImageIndex));
        Assert.All(prompt.Markers, m => Assert.Equal(Marker, prompt.Ids[m.Position]));
    }

    [Fact]
    public void Llama_multi_turn_conversation_renders_the_exact_tokens()
    {
        var tokenizer = TokenizerFixtures.Bpe();
        int[] systemWord = [.. tokenizer.Encode("system")], assistantWord = [.. tokenizer.Encode("assistant")];
        const int bos = 474, start = 476, endHeader = 477, eot = 478, newline = 198;
        int[] userWord = [84, 82, 68, 81], hiThere = [39, 72, 259, 272], x = [87];
        int[] describe = [429, 265, 465, 411, 274, 409, 265, 259, 276, 13];
        int[] redCircle = [32, 422, 418, 455, 260, 457, 458, 413, 260, 461, 472, 13];

        int[] expected =
        [
            bos, bos, start, .. systemWord, endHeader, newline, newline, .. hiThere, eot,
            start, .. userWord, endHeader, newline, newline, Marker, newline, .. describe, eot,
            start, .. assistantWord, endHeader, newline, newline, .. redCircle, eot,
            start, .. userWord, endHeader, newline, newline, .. x, newline, Marker, newline, Marker, newline, eot,
            start, .. assistantWord, endHeader, newline, newline,
        ];

        var prompt = Llama().RenderPrompt(MultiTurn);

        Assert.Equal(expected, prompt.Ids);
        Assert.Equal([0, 1, 2], prompt.Markers.Select(m => m.ImageIndex));
    }

    [Theory]
    [InlineData("llava_phi")]
    [InlineData("llava_llama")]
    public void Prompt_ids_equal_llava_tokenizer_image_token_over_the_rendered_text(string modelType)
    {
        var tokenizer = modelType == "llava_phi" ? TokenizerFixtures.PhiStyle() : TokenizerFixtures.Bpe();
        var template = ChatTemplates.ForModelType(modelType, tokenizer);

        var prompt = template.RenderPrompt(MultiTurn);

        // LLaVA: split on "<image>", tokenize each chunk alone, join with one placeholder; Llama-3's own BOS stays in front.
        var chunks = template.RenderText(MultiTurn).Split("<image>").Select(c => tokenizer.Encode(c)).ToList();
        var reference = new List<int>();
        if (modelType == "llava_llama") reference.Add(tokenizer.TokenToId("<|begin_of_text|>")!.Value);
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0) reference.Add(Marker);
            reference.AddRange(chunks[i]);
        }
        Assert.Equal(reference, prompt.Ids);
    }

    [Fact]
    public void Leading_system_and_developer_messages_are_joined_into_the_system_prompt()
    {
        var text = Phi().RenderText(
        [
            ChatMessage.FromText(ChatRole.System, "Be brief."),
            ChatMessage.FromText(ChatRole.Developer, "Answer in English."),
            ChatMessage.FromText(ChatRole.User, "Hi"),
        ]);

        Assert.StartsWith("<|system|>\nBe brief.\n\nAnswer in English.<|end|>\n<|user|>\nHi<|end|>", text);
    }

    [Fact]
    public void An_image_after_text_starts_on_its_own_line_and_every_image_is_followed_by_a_newline()
    {
        var text = Phi().RenderText([new ChatMessage(ChatRole.User,
            [new TextPart("Compare"), new ImagePart(0), new TextPart("with"), new ImagePart(1)])]);

        Assert.Contains("<|user|>\nCompare\n<image>\nwith\n<image>\n<|end|>", text);
    }

    [Fact]
    public void Expanding_images_gives_each_marker_its_visual_tokens_and_counts_them_in_the_prompt()
    {
        var prompt = Llama().RenderPrompt(MultiTurn);

        var expanded = prompt.ExpandImages(tokensPerImage: 4);

        Assert.Equal(prompt.Ids.Count + 3 * 3, expanded.PromptTokenCount);
        var positions = prompt.Markers.Select(m => m.Position).ToArray();
        Assert.Equal(
            [new ImageSpan(0, positions[0], 4), new ImageSpan(1, positions[1] + 3, 4), new ImageSpan(2, positions[2] + 6, 4)],
            expanded.Images);
        Assert.All(expanded.Images, span => Assert.All(expanded.Ids.Skip(span.Offset).Take(span.Length), id => Assert.Equal(0, id)));
        var textIds = expanded.Ids.Where((_, i) => !expanded.Images.Any(s => i >= s.Offset && i < s.Offset + s.Length));
        Assert.Equal(prompt.Ids.Where((_, i) => !positions.Contains(i)), textIds);
    }

    [Theory]
    [InlineData("llava_phi")]
    [InlineData("llava_llama")]
    public void Stop_tokens_are_the_turn_end_and_eos_ids_of_the_tokenizer(string modelType)
    {
        var tokenizer = modelType == "llava_phi" ? TokenizerFixtures.PhiStyle() : TokenizerFixtures.Bpe();
        var (turnEnd, eos) = modelType == "llava_phi" ? ("<|end|>", "<|endoftext|>") : ("<|eot_id|>", "<|end_of_text|>");

        var template = ChatTemplates.ForModelType(modelType, tokenizer);

        Assert.Equal([tokenizer.TokenToId(turnEnd)!.Value, tokenizer.TokenToId(eos)!.Value], template.StopTokenIds);
    }
}
