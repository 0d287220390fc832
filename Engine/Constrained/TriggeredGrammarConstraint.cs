using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// tool_choice "auto": the first token decides between a free text answer and a tool call. At the first step the
/// mask allows every token that does not open a call (text, EOS) plus the tokens the call grammar allows, so a
/// call, once begun, is always a valid one; after a call opens the grammar holds to the end, otherwise nothing is
/// restricted. A call opens with <see cref="OutputTrigger.Byte"/> as the first non-whitespace byte (Phi: '[' of the call
/// array; Llama: '{' of its JSON call) or with the trigger token (Llama's &lt;|python_tag|&gt;). Tokens of whitespace
/// only leave the choice undecided, as the API decides on the text after leading whitespace: otherwise " " then "["
/// would open a call that nothing constrains.
/// </summary>
internal sealed class TriggeredGrammarConstraint(GrammarMatcher matcher, OutputTrigger trigger, ConstraintStats stats) : ISequenceConstraint
{
    private enum Mode { Undecided, Free, Grammar }

    private readonly GrammarConstraint _grammar = new(matcher, stats);
    private Mode _mode = Mode.Undecided;

    public bool FillMask(Span<uint> row)
    {
        switch (_mode)
        {
            case Mode.Free:
                return false;
            case Mode.Grammar:
                return _grammar.FillMask(row);
            default:
                matcher.FillMask(row);
                var free = FirstTokenMasks.FreeTextMask(matcher.Vocabulary, trigger);
                for (var w = 0; w < free.Length; w++) row[w] |= free[w];
                // The trigger token is in neither mask (no text for the grammar, excluded from free text): allow it here.
                if (trigger.TokenId is { } id && (uint)id < (uint)matcher.Vocabulary.VocabSize) row[id >> 5] |= 1u << (id & 31);
                return true;
        }
    }

    public void Accept(int tokenId)
    {
        if (_mode == Mode.Undecided) _mode = Decide(tokenId);
        else if (_mode == Mode.Grammar) _grammar.Accept(tokenId);
    }

    private Mode Decide(int tokenId)
    {
        if (tokenId == trigger.TokenId) return Mode.Grammar; // a control token: no text for the grammar
        // Leading whitespace decides nothing; it is not fed to the grammar (JSON allows any before the document).
        if (FirstTokenMasks.IsWhitespaceOnly(matcher.Vocabulary, tokenId)) return Mode.Undecided;
        if (!FirstTokenMasks.OpensCall(matcher.Vocabulary, tokenId, trigger.Byte)) return Mode.Free;
        _grammar.Accept(tokenId);
        return Mode.Grammar;
    }
}

/// <summary>How a tool call announces itself in an "auto" answer: its first non-space byte, or a control token.</summary>
public sealed record OutputTrigger(byte Byte, int? TokenId);
