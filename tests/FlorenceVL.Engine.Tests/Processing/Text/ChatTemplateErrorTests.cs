using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class ChatTemplateErrorTests
{
    private static readonly IChatTemplate Template = ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.PhiStyle());

    private static ChatMessage User(params ChatContentPart[] parts) => new(ChatRole.User, parts);

    [Fact]
    public void An_empty_conversation_is_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt([]));
        Assert.Equal("The conversation has no messages.", error.Message);
    }

    [Fact]
    public void A_system_message_after_the_conversation_started_is_refused_with_its_position()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt(
            [ChatMessage.FromText(ChatRole.User, "Hi"), ChatMessage.FromText(ChatRole.Developer, "Be brief."), ChatMessage.FromText(ChatRole.User, "Hi")]));
        Assert.Equal("Message 1 (Developer) comes after the conversation started; system and developer messages must come first.", error.Message);
    }

    [Fact]
    public void An_image_in_an_assistant_message_is_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt(
            [User(new TextPart("Hi")), new ChatMessage(ChatRole.Assistant, [new ImagePart(0)]), User(new TextPart("And?"))]));
        Assert.Equal("Message 1 (Assistant) has an image part; images are only supported in user messages.", error.Message);
    }

    [Fact]
    public void A_generation_prompt_after_an_assistant_message_is_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt(
            [User(new TextPart("Hi")), ChatMessage.FromText(ChatRole.Assistant, "Hello")]));
        Assert.Equal("The last message (1) is from Assistant; a generation prompt needs the conversation to end with a user or tool message.", error.Message);
    }

    [Fact]
    public void Only_system_messages_are_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt([ChatMessage.FromText(ChatRole.System, "Be brief.")]));
        Assert.Contains("needs a user message", error.Message);
    }

    [Fact]
    public void An_image_used_twice_is_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt([User(new ImagePart(0), new ImagePart(0))]));
        Assert.Equal("Image index 0 is used 2 times; each image part needs its own image.", error.Message);
    }

    [Fact]
    public void Image_indices_outside_the_image_count_are_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderPrompt([User(new ImagePart(0), new ImagePart(2))]));
        Assert.Equal("Image indices must be 0..1 for 2 image parts; found 2.", error.Message);
    }

    [Fact]
    public void Training_without_an_assistant_message_is_refused()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Template.RenderTraining([User(new TextPart("Hi"))]));
        Assert.Equal("A training conversation needs at least one assistant message to learn from.", error.Message);
    }

    [Fact]
    public void A_tokenizer_without_the_template_tokens_is_refused_naming_the_missing_token()
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplates.ForModelType("llava_phi", TokenizerFixtures.Spm()));
        Assert.Equal("The llava_phi chat template needs '<|system|>' as one added token, but the tokenizer does not declare it.", error.Message);
    }

    [Fact]
    public void An_unknown_model_type_is_refused_listing_the_supported_ones()
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplates.ForModelType("llava_mistral", TokenizerFixtures.Bpe()));
        Assert.Equal("No chat template for model_type 'llava_mistral'; supported: llava_phi, llava_llama.", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Expanding_to_no_visual_tokens_is_refused(int tokensPerImage)
    {
        var prompt = Template.RenderPrompt([User(new ImagePart(0))]);
        Assert.Throws<ArgumentOutOfRangeException>(() => prompt.ExpandImages(tokensPerImage));
    }
}
