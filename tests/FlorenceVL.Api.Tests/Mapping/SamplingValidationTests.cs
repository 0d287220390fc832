using System.Text;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Api.Tests.Mapping;

/// <summary>
/// Sampling parameters are validated once, by the engine (<see cref="SamplingParams.ValidateSettings"/>); the Api words
/// the refusal as OpenAI does. These cases moved here from the wire validator's tests, which no longer own the ranges.
/// </summary>
public class SamplingValidationTests
{
    private static SamplingParams Sampling(string field)
    {
        var json = $$"""{"model":"m","messages":[{"role":"user","content":"Hi"}],{{field}}}""";
        Assert.True(ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        Assert.Empty(new ChatRequestValidator().Validate(request));
        return SamplingMapper.Map(request);
    }

    [Theory]
    [InlineData("\"temperature\":-0.1", "temperature", OpenAIErrorCodes.DecimalBelowMinValue)]
    [InlineData("\"temperature\":2.01", "temperature", OpenAIErrorCodes.DecimalAboveMaxValue)]
    [InlineData("\"temperature\":1e400", "temperature", OpenAIErrorCodes.DecimalAboveMaxValue)]
    [InlineData("\"top_p\":0", "top_p", OpenAIErrorCodes.DecimalBelowMinValue)]
    [InlineData("\"top_p\":1.5", "top_p", OpenAIErrorCodes.DecimalAboveMaxValue)]
    [InlineData("\"logprobs\":true,\"top_logprobs\":21", "top_logprobs", OpenAIErrorCodes.IntegerAboveMaxValue)]
    [InlineData("\"logprobs\":true,\"top_logprobs\":-1", "top_logprobs", OpenAIErrorCodes.IntegerBelowMinValue)]
    [InlineData("\"top_logprobs\":2", "top_logprobs", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"logprobs\":false,\"top_logprobs\":2", "top_logprobs", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"presence_penalty\":-2.5", "presence_penalty", OpenAIErrorCodes.DecimalBelowMinValue)]
    [InlineData("\"frequency_penalty\":3", "frequency_penalty", OpenAIErrorCodes.DecimalAboveMaxValue)]
    [InlineData("\"top_k\":0", "top_k", OpenAIErrorCodes.IntegerBelowMinValue)]
    [InlineData("\"min_p\":1.5", "min_p", OpenAIErrorCodes.DecimalAboveMaxValue)]
    [InlineData("\"repetition_penalty\":0", "repetition_penalty", OpenAIErrorCodes.DecimalBelowMinValue)]
    public void Sampling_problems_are_reported_with_the_parameter_name_and_OpenAI_code(string field, string param, string code)
    {
        var sampling = Sampling(field);

        var refusal = Assert.Throws<InvalidRequestException>(sampling.ValidateSettings);
        var error = EngineRequestErrors.Describe(refusal);

        Assert.Equal((param, code), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Theory]
    [InlineData("\"temperature\":0")]
    [InlineData("\"temperature\":2")]
    [InlineData("\"top_p\":1")]
    [InlineData("\"logprobs\":true,\"top_logprobs\":0")]
    [InlineData("\"logprobs\":true,\"top_logprobs\":20")]
    [InlineData("\"presence_penalty\":-2,\"frequency_penalty\":2")]
    [InlineData("\"top_k\":1,\"min_p\":0,\"repetition_penalty\":2")]
    public void Boundary_values_are_accepted(string field)
    {
        Sampling(field).ValidateSettings();
    }

    [Fact]
    public void Out_of_range_messages_use_OpenAI_wording_with_the_value_as_sent()
    {
        var refusal = Assert.Throws<InvalidRequestException>(Sampling("\"temperature\":2.01").ValidateSettings);

        Assert.Equal("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.01 instead.",
            EngineRequestErrors.Describe(refusal).Message);
    }

    [Fact]
    public void Context_length_and_image_refusals_name_messages()
    {
        var context = Assert.Throws<InvalidRequestException>(() => new SamplingParams().ValidateLength(100, 100));
        var image = new InvalidRequestException(RequestField.Images, RequestErrorKind.ImageTooLarge, "too big");

        Assert.Equal(("messages", OpenAIErrorCodes.ContextLengthExceeded), (EngineRequestErrors.Describe(context).Param, EngineRequestErrors.Describe(context).Code));
        Assert.Equal(("messages", "image_too_large"), (EngineRequestErrors.Describe(image).Param, EngineRequestErrors.Describe(image).Code));
    }

    [Fact]
    public void Every_request_field_has_a_wire_name()
    {
        foreach (var field in Enum.GetValues<RequestField>())
            Assert.False(string.IsNullOrEmpty(EngineRequestErrors.Wire(field).Param));
    }
}
