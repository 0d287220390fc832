using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Turns one sequence's sampled tokens into client text: incremental detokenization (never splitting a character),
/// stop strings held back and cut, logprob details per token. Lives on the engine thread.
/// </summary>
internal sealed class ChoiceStream(int choiceIndex, ITextTokenizer tokenizer, SamplingParams sampling)
{
    private readonly StreamingDetokenizer _detokenizer = new(tokenizer, skipSpecialTokens: true);
    private readonly StopStringFilter _stops = new(sampling.StopStrings);
    private readonly List<TokenLogprobInfo> _pendingLogprobs = [];

    public int ChoiceIndex => choiceIndex;
    public int NumCompletionTokens { get; private set; }
    public DateTime? LastTokenAt { get; private set; }

    /// <summary>The text event for a new token (null when nothing is ready to send) and whether a stop string ended it.</summary>
    public (TextDelta? Delta, bool StopStringHit) OnToken(SampledToken sampled, bool finishedByToken)
    {
        var tokenId = sampled.TokenId;
        NumCompletionTokens++;
        LastTokenAt = DateTime.UtcNow;
        if (sampling.Logprobs && sampled.Logprob is { } logprob)
            _pendingLogprobs.Add(Describe(tokenId, logprob, sampled.TopLogprobs ?? []));
        var isStopToken = finishedByToken && sampling.StopTokenIds.Contains(tokenId);
        var text = isStopToken ? "" : _detokenizer.Push(tokenId);
        var (safe, stopped) = _stops.Push(text);
        return (MakeDelta(safe), stopped);
    }

    /// <summary>Whatever was held back, once the choice ends without a stop string.</summary>
    public TextDelta? Flush() => MakeDelta(_stops.Push(_detokenizer.Flush()).Text + _stops.Flush());

    private TextDelta? MakeDelta(string text)
    {
        if (text.Length == 0 && _pendingLogprobs.Count == 0) return null;
        var logprobs = sampling.Logprobs ? _pendingLogprobs.ToArray() : null;
        _pendingLogprobs.Clear();
        return new TextDelta(choiceIndex, text, logprobs);
    }

    private TokenLogprobInfo Describe(int tokenId, float logprob, IReadOnlyList<TokenLogprob> top)
    {
        var bytes = tokenizer.TokenBytes(tokenId, skipSpecialTokens: false).ToArray();
        return new TokenLogprobInfo(TokenText(tokenId), logprob, bytes,
            top.Select(t => new TopLogprobInfo(TokenText(t.TokenId), t.Logprob, tokenizer.TokenBytes(t.TokenId, skipSpecialTokens: false).ToArray())).ToArray());
    }

    private string TokenText(int tokenId) => System.Text.Encoding.UTF8.GetString(tokenizer.TokenBytes(tokenId, skipSpecialTokens: false));
}
