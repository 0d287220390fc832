using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Images;
using FlorenceVL.Contracts.Chat;
using EngineText = FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Api.Mapping;

/// <summary>Engine messages plus the images their <see cref="EngineText.ImagePart"/>s index, in order of appearance.</summary>
public sealed record MappedMessages(IReadOnlyList<EngineText.ChatMessage> Messages, IReadOnlyList<ImageReference> Images);

/// <summary>OpenAI messages (already validated) to the engine's messages; images become indexed parts.</summary>
public static class MessageMapper
{
    public static MappedMessages Map(IReadOnlyList<ChatMessage> messages, int maxImages)
    {
        var images = new List<ImageReference>();
        var mapped = new List<EngineText.ChatMessage>(messages.Count);
        // Tool results name their function from the call they answer, which the template may show to the model.
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var calls = (message.ToolCalls ?? []).Select(c => new EngineText.ToolCallSpec(c.Id!, c.Function!.Name!, c.Function.Arguments!)).ToList();
            foreach (var call in calls) callNames[call.Id] = call.Name;
            mapped.Add(new EngineText.ChatMessage(Role(message.Role!), Parts(message.Content, $"messages[{i}]", images))
            {
                ToolCalls = calls,
                ToolName = message.ToolCallId is { } id && callNames.TryGetValue(id, out var name) ? name : null,
            });
        }
        if (images.Count > maxImages)
            throw OpenAIRequestException.Invalid(
                $"This request has {images.Count} images; this server accepts at most {maxImages} per request.",
                "messages", ImageErrorCodes.TooManyImages);
        return new MappedMessages(mapped, images);
    }

    /// <summary>OpenAI's detail (validated): low is the smaller preset; high, auto and absent the native size.</summary>
    private static Engine.Processing.Images.ImageDetail DetailOf(string? detail) => detail switch
    {
        Contracts.Chat.ImageDetail.Low => Engine.Processing.Images.ImageDetail.Low,
        Contracts.Chat.ImageDetail.High => Engine.Processing.Images.ImageDetail.High,
        _ => Engine.Processing.Images.ImageDetail.Auto,
    };

    private static EngineText.ChatRole Role(string role) => role switch
    {
        ChatRole.System => EngineText.ChatRole.System,
        ChatRole.Developer => EngineText.ChatRole.Developer,
        ChatRole.User => EngineText.ChatRole.User,
        ChatRole.Tool => EngineText.ChatRole.Tool,
        _ => EngineText.ChatRole.Assistant,
    };

    private static List<EngineText.ChatContentPart> Parts(MessageContent? content, string messagePath, List<ImageReference> images)
    {
        if (content?.Parts is not { } parts)
            return [new EngineText.TextPart(content?.Text ?? "")];
        var mapped = new List<EngineText.ChatContentPart>(parts.Count);
        for (var j = 0; j < parts.Count; j++)
        {
            if (parts[j] is ImageUrlPart image)
            {
                images.Add(new ImageReference(image.ImageUrl!.Url!, $"{messagePath}.content[{j}].image_url.url")
                {
                    Detail = DetailOf(image.ImageUrl.Detail),
                });
                mapped.Add(new EngineText.ImagePart(images.Count - 1));
            }
            else
            {
                mapped.Add(new EngineText.TextPart(((TextPart)parts[j]).Text!));
            }
        }
        return mapped;
    }
}
