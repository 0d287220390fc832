using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class ChatTemplateTrainingTests
{
    private static readonly IReadOnlyList<ChatMessage> Conversation =
    [
        new(ChatRole.User, [new ImagePart(0), new TextPart("Describe in detail what is shown in the image.")]),
        ChatMessage.FromText(ChatRole.Assistant, "A red circle above a blue square on a white background."),
        ChatMessage.FromText(ChatRole.User, "x"),
        ChatMessage.FromText(ChatRole.Assistant, "Hi there"),
    ];

    [Theory]
    [InlineData("llava_phi")]
    [InlineData("llava_llama")]
    public void Training_tokens_are_the_prompt_tokens_of_the_same_conversation(string modelType)
    {
        var template = Template(modelType, out _);

        var training = template.RenderTraining(Conversation);

        Assert.Equal(template.RenderPrompt(Conversation, addGenerationPrompt: false).Ids, training.Tokens.Ids);
        Assert.Equal(training.Tokens.Ids.Count, training.IsLossToken.Count);
    }

    [Theory]
    [InlineData("llava_phi")]
    [InlineData("llava_llama")]
    public void Only_assistant_content_and_its_end_token_are_loss_tokens(string modelType)
    {
        var template = Template(modelType, out var tokenizer);
        var endId = template.StopTokenIds[0];

        var training = template.RenderTraining(Conversation);

        var lossIds = training.Tokens.Ids.Where((_, i) => training.IsLossToken[i]).ToList();
        int[] expected =
        [
            .. tokenizer.EncodeContinuation("A red circle above a blue square on a white background."), endId,
            .. tokenizer.EncodeContinuation("Hi there"), endId,
        ];
        Assert.Equal(expected, lossIds);
    }

    [Fact]
    public void Visual_tokens_are_never_loss_tokens_after_expansion()
    {
        var template = Template("llava_llama", out _);
        var training = template.RenderTraining(Conversation);

        var expanded = training.ExpandImages(tokensPerImage: 5);

        var span = Assert.Single(expanded.Images);
        Assert.All(expanded.IsLossToken.Skip(span.Offset).Take(span.Length), Assert.False);
        Assert.Equal(training.IsLossToken.Count(f => f), expanded.IsLossToken.Count(f => f));
        Assert.Equal(expanded.Ids.Count, expanded.IsLossToken.Count);
    }

    private static IChatTemplate Template(string modelType, out ITextTokenizer tokenizer)
    {
        tokenizer = modelType == "llava_phi" ? TokenizerFixtures.PhiStyle() : TokenizerFixtures.Bpe();
        return ChatTemplates.ForModelType(modelType, tokenizer);
    }
}
