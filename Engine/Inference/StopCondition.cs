namespace FlorenceVL.Engine.Inference;

/// <summary>Token-level stop rules, checked after each sampled token. Stop strings are matched above the
/// engine on text, which then calls Scheduler.Finish.</summary>
internal static class StopCondition
{
    public static FinishReason? Check(Sequence sequence, SchedulerConfig config)
    {
        var token = sequence.LastTokenId;
        var sampling = sequence.SamplingParams;
        if (!sampling.IgnoreEos && config.EosTokenIds.Contains(token))
            return FinishReason.Stop;
        if (sampling.StopTokenIds.Contains(token))
            return FinishReason.Stop;
        if (sampling.MaxTokens is { } maxTokens && sequence.NumCompletionTokens >= maxTokens)
            return FinishReason.Length;
        return sequence.NumTokens >= config.MaxModelLen ? FinishReason.Length : null;
    }
}
