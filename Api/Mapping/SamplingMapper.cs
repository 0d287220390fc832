using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Api.Mapping;

/// <summary>OpenAI sampling fields (validated) to the engine's <see cref="SamplingParams"/>; absent fields take OpenAI's defaults.</summary>
public static class SamplingMapper
{
    public static SamplingParams Map(ChatCompletionRequest request) => new()
    {
        Temperature = (float)(request.Temperature ?? 1),
        TopP = (float)(request.TopP ?? 1),
        TopK = request.TopK,
        MinP = (float)(request.MinP ?? 0),
        PresencePenalty = (float)(request.PresencePenalty ?? 0),
        FrequencyPenalty = (float)(request.FrequencyPenalty ?? 0),
        RepetitionPenalty = (float)(request.RepetitionPenalty ?? 1),
        Seed = request.Seed,
        MaxTokens = request.RequestedMaxTokens,
        StopStrings = request.Stop?.Values ?? [],
        Logprobs = request.Logprobs == true,
        TopLogprobs = request.TopLogprobs ?? 0,
        N = request.N ?? 1,
    };
}
