using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class SamplingParamsTests
{
    public static TheoryData<string, SamplingParams> ImpossibleSettings => new()
    {
        { "temperature", new SamplingParams { Temperature = -0.1f } },
        { "temperature", new SamplingParams { Temperature = float.NaN } },
        { "top_p", new SamplingParams { TopP = 0f } },
        { "top_p", new SamplingParams { TopP = 1.01f } },
        { "top_k", new SamplingParams { TopK = -1 } },
        { "min_p", new SamplingParams { MinP = 1.5f } },
        { "presence_penalty", new SamplingParams { PresencePenalty = 2.5f } },
        { "frequency_penalty", new SamplingParams { FrequencyPenalty = -3f } },
        { "repetition_penalty", new SamplingParams { RepetitionPenalty = 0f } },
        { "n", new SamplingParams { N = 0 } },
        { "top_logprobs", new SamplingParams { Logprobs = true, TopLogprobs = 21 } },
        { "top_logprobs", new SamplingParams { TopLogprobs = 3 } },
        { "max_tokens", new SamplingParams { MaxTokens = 0 } },
        { "stop_token_ids", new SamplingParams { StopTokenIds = [-5] } },
        { "stop", new SamplingParams { StopStrings = [""] } },
    };

    [Theory]
    [MemberData(nameof(ImpossibleSettings))]
    public void Impossible_setting_is_rejected_naming_its_field(string param, SamplingParams sampling)
    {
        var error = Assert.Throws<InvalidRequestException>(() => sampling.Validate(promptTokens: 10, maxContext: 100));
        Assert.Equal(param, error.Param);
        Assert.Contains(param, error.Message);
    }

    [Fact]
    public void Defaults_and_greedy_with_every_option_in_range_are_valid()
    {
        new SamplingParams().Validate(10, 100);
        new SamplingParams
        {
            Temperature = 0, TopP = 1, TopK = 1, MinP = 1, PresencePenalty = -2, FrequencyPenalty = 2,
            RepetitionPenalty = 1.2f, Seed = 7, MaxTokens = 90, StopTokenIds = [0], StopStrings = ["\n"],
            Logprobs = true, TopLogprobs = 20, N = 128, IgnoreEos = true,
        }.Validate(10, 100);
    }

    [Fact]
    public void Prompt_plus_max_tokens_beyond_the_context_is_context_length_exceeded()
    {
        var error = Assert.Throws<InvalidRequestException>(() => new SamplingParams { MaxTokens = 91 }.Validate(10, 100));
        Assert.Equal("context_length_exceeded", error.Code);
        Assert.Equal("max_tokens", error.Param);
    }

    [Fact]
    public void Prompt_that_fills_the_context_is_rejected_even_without_max_tokens()
    {
        var error = Assert.Throws<InvalidRequestException>(() => new SamplingParams().Validate(100, 100));
        Assert.Equal("context_length_exceeded", error.Code);
        Assert.Equal("messages", error.Param);
    }
}
