namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Rejects conversations the LLaVA templates cannot express, naming the message at fault.</summary>
internal static class ConversationValidator
{
    public static void Validate(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        if (messages.Count == 0) throw new ChatTemplateException("The conversation has no messages.");
        var conversationStarted = false;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.IsSystemLike && conversationStarted)
                throw new ChatTemplateException(
                    $"Message {i} ({message.Role}) comes after the conversation started; system and developer messages must come first.");
            conversationStarted |= !message.IsSystemLike;
            if (message.Role == ChatRole.Tool && (i == 0 || messages[i - 1].Role is not (ChatRole.Assistant or ChatRole.Tool)))
                throw new ChatTemplateException($"Message {i} (Tool) does not follow an assistant message's tool calls.");
            if (message.ToolCalls.Count > 0 && message.Role != ChatRole.Assistant)
                throw new ChatTemplateException($"Message {i} ({message.Role}) has tool calls; only assistant messages make them.");
            if (message.Role != ChatRole.User && message.Parts.OfType<ImagePart>().Any())
                throw new ChatTemplateException($"Message {i} ({message.Role}) has an image part; images are only supported in user messages.");
        }
        if (!conversationStarted) throw new ChatTemplateException("The conversation has only system or developer messages; it needs a user message.");
        if (addGenerationPrompt && messages[^1].Role is not (ChatRole.User or ChatRole.Tool))
            throw new ChatTemplateException(
                $"The last message ({messages.Count - 1}) is from {messages[^1].Role}; a generation prompt needs the conversation to end with a user or tool message.");
        ValidateImageIndices(messages);
    }

    public static void ValidateForTraining(IReadOnlyList<ChatMessage> messages)
    {
        Validate(messages, addGenerationPrompt: false);
        if (!messages.Any(m => m.Role == ChatRole.Assistant))
            throw new ChatTemplateException("A training conversation needs at least one assistant message to learn from.");
    }

    /// <summary>Images are referenced once each, by indices 0..N-1, so the caller's N pixel tensors map one-to-one.</summary>
    private static void ValidateImageIndices(IReadOnlyList<ChatMessage> messages)
    {
        var indices = messages.SelectMany(m => m.Parts.OfType<ImagePart>()).Select(p => p.ImageIndex).ToList();
        var duplicate = indices.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ChatTemplateException($"Image index {duplicate.Key} is used {duplicate.Count()} times; each image part needs its own image.");
        var outOfRange = indices.Where(i => i < 0 || i >= indices.Count).ToList();
        if (outOfRange.Count > 0)
            throw new ChatTemplateException(
                $"Image indices must be 0..{indices.Count - 1} for {indices.Count} image parts; found {string.Join(", ", outOfRange)}.");
    }
}
