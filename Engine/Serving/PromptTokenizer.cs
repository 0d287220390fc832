using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Serving;

/// <summary>A chat prompt as the engine would run it: every id (images expanded to their visual tokens) and the image share.</summary>
public sealed record CountedPrompt(IReadOnlyList<int> Ids, int NumImageTokens);

/// <summary>
/// Token counting without generating (vLLM's /tokenize and /detokenize): the same template, tool rendering and image
/// expansion as a request, so a client can budget its context before sending. Images are counted, not decoded: a
/// picture always takes the model's visual tokens, whatever its size.
/// </summary>
public interface IPromptTokenizer
{
    /// <param name="details">Each image's detail by image index (missing: auto).</param>
    CountedPrompt RenderChat(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolSpec> tools, bool addGenerationPrompt,
        IReadOnlyList<ImageDetail>? details = null);

    IReadOnlyList<int> Encode(string text, bool addSpecialTokens);

    /// <summary>Each id's own text (special tokens by name), for token_strs.</summary>
    IReadOnlyList<string> TokenStrings(IReadOnlyList<int> ids);

    /// <summary>The text of the ids; an id outside the vocabulary is an <see cref="InvalidRequestException"/>.</summary>
    string Decode(IReadOnlyList<int> ids);
}

internal sealed class PromptTokenizer(LoadedModel loaded) : IPromptTokenizer
{
    public CountedPrompt RenderChat(IReadOnlyList<ChatMessage> messages, IReadOnlyList<ToolSpec> tools, bool addGenerationPrompt,
        IReadOnlyList<ImageDetail>? details = null)
    {
        var prompt = loaded.Template.RenderPrompt(messages, addGenerationPrompt, tools)
            .ExpandImages(image => loaded.VisualTokensFor(ImageDetailSizes.At(details, image)));
        return new CountedPrompt(prompt.Ids, prompt.Images.Sum(i => i.Length));
    }

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens) =>
        loaded.Tokenizer.Encode(text, addBeginningOfSentence: addSpecialTokens && loaded.Tokenizer.BosTokenId is not null);

    public IReadOnlyList<string> TokenStrings(IReadOnlyList<int> ids) =>
        ids.Select(id => loaded.Tokenizer.IdToToken(id) ?? "").ToList();

    public string Decode(IReadOnlyList<int> ids)
    {
        var unknown = ids.Where(id => !loaded.Tokenizer.IsKnownId(id)).Take(3).ToList();
        if (unknown.Count > 0)
            throw new InvalidRequestException(RequestField.Tokens, RequestErrorKind.InvalidValue,
                $"Token ids {string.Join(", ", unknown)} are not in the model's vocabulary (0..{loaded.Tokenizer.VocabSize - 1}).");
        return loaded.Tokenizer.Decode(ids);
    }
}
