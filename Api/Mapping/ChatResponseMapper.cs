using System.Text;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>Collects a whole generation into one non-streaming <see cref="ChatCompletionResponse"/>.</summary>
public static class ChatResponseMapper
{
    public static async Task<ChatCompletionResponse> CollectAsync(
        IGeneration generation, CompletionContext context, OutputPlan plan, bool withLogprobs, CancellationToken cancellationToken)
    {
        var texts = Enumerable.Range(0, context.NumChoices).Select(_ => new StringBuilder()).ToArray();
        var logprobs = Enumerable.Range(0, context.NumChoices).Select(_ => new List<TokenLogprob>()).ToArray();
        var finished = new ChoiceFinished?[context.NumChoices];
        await foreach (var @event in generation.ReadAllAsync(cancellationToken))
        {
            switch (@event)
            {
                case TextDelta delta:
                    texts[delta.ChoiceIndex].Append(delta.Text);
                    logprobs[delta.ChoiceIndex].AddRange(delta.Logprobs?.Select(LogprobsMapper.Map) ?? []);
                    break;
                case ChoiceFinished done:
                    finished[done.ChoiceIndex] = done;
                    break;
            }
        }
        var messages = Enumerable.Range(0, context.NumChoices)
            .Select(i => ChoiceMessage.Read(plan, texts[i].ToString(), finished[i]?.Reason ?? Engine.Inference.FinishReason.Abort))
            .ToList();
        return new ChatCompletionResponse
        {
            Id = context.Id,
            Created = context.Created,
            Model = context.Model,
            SystemFingerprint = context.SystemFingerprint,
            Choices = Enumerable.Range(0, context.NumChoices).Select(i => new ChatChoice
            {
                Index = i,
                Message = messages[i].ToAssistantMessage(),
                Logprobs = withLogprobs ? new ChoiceLogprobs { Content = logprobs[i] } : null,
                FinishReason = messages[i].FinishReason,
            }).ToList(),
            Usage = UsageMapper.Map(generation, finished.OfType<ChoiceFinished>()),
        };
    }
}
