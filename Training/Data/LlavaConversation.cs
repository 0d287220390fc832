using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Training.Data;

/// <summary>
/// Maps a LLaVA record's turns onto the Engine's chat messages, so training renders conversations with the very
/// template serving uses. "&lt;image&gt;\nQ" becomes [image, "Q"]: the template itself writes the newline after an image.
/// </summary>
public static class LlavaConversation
{
    public static IReadOnlyList<ChatMessage> ToMessages(LlavaRecord record, BadRecordProblem problem)
    {
        if (record.Conversations is not { Count: >= 2 })
            throw problem("needs at least one human turn and one gpt turn in 'conversations'.");
        var messages = new List<ChatMessage>(record.Conversations.Count);
        var numImages = 0;
        for (var turn = 0; turn < record.Conversations.Count; turn++)
        {
            var (from, value) = (record.Conversations[turn].From, record.Conversations[turn].Value);
            var expected = turn % 2 == 0 ? LlavaTurn.Human : LlavaTurn.Gpt;
            if (from != expected) throw problem($"turn {turn} is from '{from}' but turns must alternate human, gpt, ... starting with human.");
            if (value is null) throw problem($"turn {turn} has no 'value'.");
            if (from == LlavaTurn.Gpt)
            {
                if (value.Contains(LlavaTurn.ImagePlaceholder, StringComparison.Ordinal)) throw problem($"turn {turn} (gpt) contains {LlavaTurn.ImagePlaceholder}.");
                messages.Add(ChatMessage.FromText(ChatRole.Assistant, value));
                continue;
            }
            var parts = UserParts(value, ref numImages);
            messages.Add(new ChatMessage(ChatRole.User, parts));
        }
        if (record.Conversations.Count % 2 != 0) throw problem("the last turn is from human; a training conversation ends with a gpt answer.");
        var expectedImages = record.Image is null ? 0 : 1;
        if (numImages != expectedImages)
            throw problem($"has {numImages} {LlavaTurn.ImagePlaceholder} placeholder(s) but {(record.Image is null ? "no image" : "one image")}.");
        return messages;
    }

    private static List<ChatContentPart> UserParts(string value, ref int numImages)
    {
        var parts = new List<ChatContentPart>();
        var pieces = value.Split(LlavaTurn.ImagePlaceholder);
        for (var i = 0; i < pieces.Length; i++)
        {
            var text = pieces[i];
            if (i > 0)
            {
                parts.Add(new ImagePart(numImages++));
                if (text.StartsWith('\n')) text = text[1..];
            }
            if (i < pieces.Length - 1 && text.EndsWith('\n')) text = text[..^1];
            if (text.Length > 0) parts.Add(new TextPart(text));
        }
        return parts;
    }
}

/// <summary>Builds the exception for the record being read, given only what is wrong with it.</summary>
public delegate BadRecordException BadRecordProblem(string problem);
