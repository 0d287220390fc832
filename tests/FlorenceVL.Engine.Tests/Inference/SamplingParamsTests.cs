using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class SamplingParamsTests
{
    public static TheoryData<RequestField, SamplingParams> ImpossibleSettings => new()
    {
        { RequestField.Temperature, new SamplingParams { Temperature = -0.1f } },
        { RequestField.Temperature, new SamplingParams { Temperature = float.NaN } },
        { RequestField.TopP, new SamplingParams { TopP = 0f } },
        { RequestField.TopP, new SamplingParams { TopP = 1.01f } },
        { RequestField.TopK, new SamplingParams { TopK = -1 } },
        { RequestField.MinP, new SamplingParams { MinP = 1.5f } },
        { RequestField.Temperature, new SamplingParams { Temperature = 2.01f } },
        { RequestField.RepetitionPenalty, new SamplingParams { RepetitionPenalty = 2.5f } },
        { RequestField.PresencePenalty, new SamplingParams { PresencePenalty = 2.5f } },
        { RequestField.FrequencyPenalty, new SamplingParams { FrequencyPenalty = -3f } },
        { RequestField.RepetitionPenalty, new SamplingParams { RepetitionPenalty = 0f } },
        { RequestField.N, new SamplingParams { N = 0 } },
        { RequestField.TopLogprobs, new SamplingParams { Logprobs = true, TopLogprobs = 21 } },
        { RequestField.TopLogprobs, new SamplingParams { TopLogprobs = 3 } },
        { RequestField.MaxTokens, new SamplingParams { MaxTokens = 0 } },
        { RequestField.StopTokenIds, new SamplingParams { StopTokenIds = [-5] } },
        { RequestField.StopStrings, new SamplingParams { StopStrings = [""] } },
    };

    [Theory]
    [MemberData(nameof(ImpossibleSettings))]
    public void Impossible_setting_is_rejected_naming_its_field(RequestField field, SamplingParams sampling)
    {
        var error = Assert.Throws<InvalidRequestException>(() => sampling.Validate(promptTokens: 10, maxContext: 100));
        Assert.Equal(field, error.Field);
        Assert.Contains(field.ToString(), error.Message);
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
        Assert.Equal(RequestErrorKind.ContextLengthExceeded, error.Kind);
        Assert.Equal(RequestField.MaxTokens, error.Field);
    }

    [Fact]
    public void Prompt_that_fills_the_context_is_rejected_even_without_max_tokens()
    {
        var error = Assert.Throws<InvalidRequestException>(() => new SamplingParams().Validate(100, 100));
        Assert.Equal(RequestErrorKind.ContextLengthExceeded, error.Kind);
        Assert.Equal(RequestField.Prompt, error.Field);
    }
}
