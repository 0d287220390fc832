using System.Runtime.CompilerServices;
using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>
/// The SSE payloads of a streamed completion, already serialised: a role chunk per choice, content chunks, a finish
/// chunk per choice, the usage chunk when asked for, then [DONE]. A failure after the first byte cannot change the
/// status any more, so it is sent as an error payload (the OpenAI SDKs raise it) and the stream ends without [DONE].
/// The generation is disposed when the enumeration ends for any reason, client disconnects included (that aborts
/// the sequences and frees their KV blocks).
/// </summary>
public static class ChatCompletionStream
{
    public const string Done = "[DONE]";

    public static async IAsyncEnumerable<string> ChunksAsync(
        IGeneration generation, CompletionContext context, ILogger logger, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var owned = generation;
        for (var i = 0; i < context.NumChoices; i++)
            yield return Serialize(Chunk(context, new ChunkChoice { Index = i, Delta = new ChunkDelta { Role = ChatRole.Assistant, Content = "" } }));
        var finished = new List<ChoiceFinished>();
        await using var events = generation.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var (next, error) = await TryMoveNextAsync(events, context, logger, cancellationToken);
            if (error is not null)
            {
                yield return error;
                yield break;
            }
            if (next is null)
                break;
            if (next.Event is ChoiceFinished done)
                finished.Add(done);
            yield return next.Payload;
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
        IAsyncEnumerator<GenerationEvent> events, CompletionContext context, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (!await events.MoveNextAsync())
                return (null, null);
            return (new StreamedEvent(events.Current, Serialize(Chunk(context, ToChoice(events.Current)))), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reply = ExceptionReplies.ForClient(e);
            if (reply is null)
                logger.LogError(e, "Generation failed during a stream");
            return (null, JsonSerializer.Serialize((reply ?? ExceptionReplies.For(e)).Body, ContractsJsonContext.Default.OpenAIErrorResponse));
        }
    }

    private static ChunkChoice ToChoice(GenerationEvent @event) => @event switch
    {
        TextDelta delta => new ChunkChoice
        {
            Index = delta.ChoiceIndex,
            Delta = new ChunkDelta { Content = delta.Text },
            Logprobs = LogprobsMapper.ForChunk(delta.Logprobs),
        },
        ChoiceFinished done => new ChunkChoice
        {
            Index = done.ChoiceIndex,
            Delta = new ChunkDelta(),
            FinishReason = FinishReasonMapper.Map(done.Reason),
        },
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

    private sealed record StreamedEvent(GenerationEvent Event, string Payload);

    private static string Serialize(ChatCompletionChunk chunk) =>
        JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk);
}
