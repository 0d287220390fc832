using System.Runtime.CompilerServices;
using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>
/// The SSE payloads of a streamed completion, already serialised: a role chunk per choice, content or tool-call
/// chunks (shaped per choice by <see cref="ChoiceStreamShaper"/>), a finish
/// chunk per choice, the usage chunk when asked for, then [DONE]. A failure after the first byte cannot change the
/// status any more, so it is sent as an error payload (the OpenAI SDKs raise it) and the stream ends without [DONE].
/// The generation is disposed when the enumeration ends for any reason, client disconnects included (that aborts
/// the sequences and frees their KV blocks).
/// </summary>
public static class ChatCompletionStream
{
    public const string Done = "[DONE]";

    public static async IAsyncEnumerable<string> ChunksAsync(
        IGeneration generation, CompletionContext context, OutputPlan plan, ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var owned = generation;
        var shapers = Enumerable.Range(0, context.NumChoices).Select(i => new ChoiceStreamShaper(i, plan)).ToArray();
        for (var i = 0; i < context.NumChoices; i++)
            yield return Serialize(Chunk(context, new ChunkChoice { Index = i, Delta = new ChunkDelta { Role = ChatRole.Assistant, Content = "" } }));
        var finished = new List<ChoiceFinished>();
        await using var events = generation.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var (next, error) = await TryMoveNextAsync(events, context, shapers, logger, cancellationToken);
            if (error is not null)
            {
                yield return error;
                yield break;
            }
            if (next is null)
                break;
            if (next.Event is ChoiceFinished done)
                finished.Add(done);
            foreach (var payload in next.Payloads)
                yield return payload;
        }
        if (context.IncludeUsage)
            yield return Serialize(Chunk(context, null) with { Usage = UsageMapper.Map(generation, finished) });
        yield return Done;
    }

    /// <summary>
    /// The next event with its serialised chunk. Yielding is not allowed inside a try with a catch, so a failure (the
    /// generation's, or the finish-reason mapper's for a shutdown abort) comes back as an error payload to yield.
    /// </summary>
    private static async Task<(StreamedEvent? Next, string? Error)> TryMoveNextAsync(
        IAsyncEnumerator<GenerationEvent> events, CompletionContext context, ChoiceStreamShaper[] shapers, ILogger logger,
        CancellationToken cancellationToken)
    {
        try
        {
            if (!await events.MoveNextAsync())
                return (null, null);
            var choices = ToChoices(events.Current, shapers[events.Current.ChoiceIndex]);
            return (new StreamedEvent(events.Current, choices.Select(c => Serialize(Chunk(context, c))).ToList()), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reply = ExceptionReplies.ForClient(e);
            if (reply is null)
                logger.LogError(e, "Generation failed during a stream");
            return (null, JsonSerializer.Serialize((reply ?? ExceptionReplies.For(e)).Body, ContractsJsonContext.Default.OpenAIErrorResponse));
        }
    }

    private static List<ChunkChoice> ToChoices(GenerationEvent @event, ChoiceStreamShaper shaper) => @event switch
    {
        TextDelta delta => shaper.OnText(delta).ToList(),
        ChoiceFinished done => shaper.OnFinish(done).ToList(),
        _ => throw new InvalidOperationException($"Unknown generation event {@event.GetType().Name}."),
    };

    private static ChatCompletionChunk Chunk(CompletionContext context, ChunkChoice? choice) => new()
    {
        Id = context.Id,
        Created = context.Created,
        Model = context.Model,
        SystemFingerprint = context.SystemFingerprint,
        Choices = choice is null ? [] : [choice],
    };

    private sealed record StreamedEvent(GenerationEvent Event, IReadOnlyList<string> Payloads);

    private static string Serialize(ChatCompletionChunk chunk) =>
        JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk);
}
