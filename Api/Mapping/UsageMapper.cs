using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>Usage of a whole completion: the prompt counts once however many choices were sampled from it.</summary>
public static class UsageMapper
{
    public static CompletionUsage Map(IGeneration generation, IEnumerable<ChoiceFinished> finished)
    {
        var choices = finished.ToList();
        return new CompletionUsage
        {
            PromptTokens = generation.NumPromptTokens,
            CompletionTokens = choices.Sum(c => c.NumCompletionTokens),
            PromptTokensDetails = new PromptTokensDetails
            {
                CachedTokens = choices.Count == 0 ? 0 : choices.Max(c => c.NumCachedTokens),
                ImageTokens = generation.NumImageTokens,
            },
        };
    }
}
