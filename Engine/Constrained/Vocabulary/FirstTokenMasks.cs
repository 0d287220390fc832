using System.Runtime.CompilerServices;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Per vocabulary and trigger, the first-step mask of tokens that do not open a tool call: every id except the
/// text tokens whose first non-whitespace byte (JSON whitespace: space, tab, LF, CR) is the trigger byte (those are
/// allowed only where the call grammar allows them). Computed once per vocabulary and trigger.
/// </summary>
internal static class FirstTokenMasks
{
    private static readonly ConditionalWeakTable<TokenVocabulary, Dictionary<OutputTrigger, uint[]>> Masks = new();

    public static uint[] FreeTextMask(TokenVocabulary vocabulary, OutputTrigger trigger)
    {
        var byTrigger = Masks.GetValue(vocabulary, _ => []);
        lock (byTrigger)
        {
            if (byTrigger.TryGetValue(trigger, out var cached)) return cached;
            var mask = new uint[vocabulary.MaskWords];
            for (var id = 0; id < vocabulary.VocabSize; id++)
                if (!OpensCall(vocabulary, id, trigger.Byte) && id != trigger.TokenId)
                    mask[id >> 5] |= 1u << (id & 31);
            byTrigger[trigger] = mask;
            return mask;
        }
    }

    public static bool OpensCall(TokenVocabulary vocabulary, int tokenId, byte triggerByte)
    {
        foreach (var b in vocabulary.TextBytes(tokenId))
            if (!IsWhitespace(b)) return b == triggerByte;
        return false;
    }

    /// <summary>A text token of JSON whitespace only: before any other text it neither opens a call nor rules one out.</summary>
    public static bool IsWhitespaceOnly(TokenVocabulary vocabulary, int tokenId)
    {
        if (!vocabulary.IsTextToken(tokenId)) return false;
        foreach (var b in vocabulary.TextBytes(tokenId))
            if (!IsWhitespace(b)) return false;
        return true;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
}
