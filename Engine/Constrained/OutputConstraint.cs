using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// What a request's output must follow: a compiled grammar, from the first token or (tool_choice "auto") only once
/// a call opens. Immutable and shared by the request's choices; each choice gets its own matcher.
/// </summary>
public sealed record OutputConstraint(CompiledGrammar Grammar, OutputTrigger? Trigger = null)
{
    public ISequenceConstraint CreateFor(TokenVocabulary vocabulary, ConstraintStats stats)
    {
        var matcher = Grammar.CreateMatcher(vocabulary);
        return Trigger is null ? new GrammarConstraint(matcher, stats) : new TriggeredGrammarConstraint(matcher, Trigger, stats);
    }
}
