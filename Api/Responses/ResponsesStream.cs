using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Responses;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Responses;

/// <summary>
/// A streamed response as OpenAI's typed server-sent events: response.created and response.in_progress, then per
/// output item output_item.added, (for a message) content_part.added, output_text.delta..., output_text.done,
/// content_part.done, (for a call) function_call_arguments.delta... and .done, output_item.done, and last
/// response.completed (or response.incomplete when max_output_tokens cut it) with the whole response and usage.
/// The pieces come from the chat path's <see cref="ChoiceStreamShaper"/>, so content streams as it is sampled and
/// calls arrive as that shaper sends them. A failure after the first byte becomes an <c>error</c> event, and the
/// stream ends there. The generation is disposed when the enumeration ends for any reason.
/// </summary>
public sealed class ResponsesStream
{
    private readonly ResponseBuilder _builder;
    private readonly List<ResponseOutputItem> _output = [];
    private readonly StringBuilder _open = new();
    private ResponseOutputItem? _openItem;
    private int _sequence;

    private ResponsesStream(ResponseBuilder builder) => _builder = builder;

    public static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        IGeneration generation, ResponseBuilder builder, OutputPlan plan, ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var owned = generation;
        var stream = new ResponsesStream(builder);
        var shaper = new ChoiceStreamShaper(0, plan);
        yield return stream.Event(E("response.created") with { Response = builder.InProgress() });
        yield return stream.Event(E("response.in_progress") with { Response = builder.InProgress() });
        var finished = new List<ChoiceFinished>();
        await using var events = generation.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var (next, error) = await TryMoveNextAsync(events, shaper, logger, cancellationToken);
            if (error is not null)
            {
                yield return stream.Event(E("error") with { Code = error.Error.Code ?? error.Error.Type, Message = error.Error.Message, Param = error.Error.Param });
                yield break;
            }
            if (next is null)
                break;
            if (next.Value.Event is ChoiceFinished done)
                finished.Add(done);
            foreach (var choice in next.Value.Choices)
                foreach (var item in stream.OnChoice(choice))
                    yield return item;
        }
        var cut = stream._output.Any(i => i.Status == ResponseStatuses.Incomplete);
        var response = builder.Finished(stream._output, cut, UsageMapper.Map(generation, finished));
        yield return stream.Event(E(cut ? "response.incomplete" : "response.completed") with { Response = response });
    }

    private static async Task<((GenerationEvent Event, List<ChunkChoice> Choices)? Next, OpenAIErrorResponse? Error)> TryMoveNextAsync(
        IAsyncEnumerator<GenerationEvent> events, ChoiceStreamShaper shaper, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (!await events.MoveNextAsync())
                return (null, null);
            var choices = events.Current switch
            {
                TextDelta delta => shaper.OnText(delta).ToList(),
                ChoiceFinished done => shaper.OnFinish(done).ToList(),
                var other => throw new InvalidOperationException($"Unknown generation event {other.GetType().Name}."),
            };
            return ((events.Current, choices), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reply = ExceptionReplies.ForClient(e);
            if (reply is null)
                logger.LogError(e, "Generation failed during a stream");
            return (null, (reply ?? ExceptionReplies.For(e)).Body);
        }
    }

    private IEnumerable<SseItem<string>> OnChoice(ChunkChoice choice)
    {
        if (choice.Delta?.Content is { Length: > 0 } text)
        {
            if (_openItem is not { Type: ResponsesTypes.Message })
            {
                foreach (var e in Close(ResponseStatuses.Completed)) yield return e;
                foreach (var e in OpenMessage()) yield return e;
            }
            _open.Append(text);
            yield return Event(E("response.output_text.delta") with
            {
                ItemId = _openItem!.Id, OutputIndex = _output.Count, ContentIndex = 0, Delta = text, Logprobs = [],
            });
        }
        foreach (var piece in choice.Delta?.ToolCalls ?? [])
        {
            if (piece.Id is { } callId)
            {
                foreach (var e in Close(ResponseStatuses.Completed)) yield return e;
                _openItem = ResponseBuilder.FunctionCall(ResponseBuilder.NewId("fc_"), callId, piece.Function?.Name ?? "", "", ResponseStatuses.InProgress);
                yield return Event(E("response.output_item.added") with { OutputIndex = _output.Count, Item = _openItem });
            }
            if (_openItem is { Type: ResponsesTypes.FunctionCall } && piece.Function?.Arguments is { Length: > 0 } arguments)
            {
                _open.Append(arguments);
                yield return Event(E("response.function_call_arguments.delta") with { ItemId = _openItem.Id, OutputIndex = _output.Count, Delta = arguments });
            }
        }
        if (choice.FinishReason is { } finish)
        {
            var status = finish == FinishReasons.Length ? ResponseStatuses.Incomplete : ResponseStatuses.Completed;
            if (_openItem is null && _output.Count == 0)
                foreach (var e in OpenMessage()) yield return e;
            foreach (var e in Close(status)) yield return e;
        }
    }

    private IEnumerable<SseItem<string>> OpenMessage()
    {
        _openItem = ResponseBuilder.Message(ResponseBuilder.NewId("msg_"), null, ResponseStatuses.InProgress);
        yield return Event(E("response.output_item.added") with { OutputIndex = _output.Count, Item = _openItem });
        yield return Event(E("response.content_part.added") with
        {
            ItemId = _openItem.Id, OutputIndex = _output.Count, ContentIndex = 0, Part = new ResponseOutputContent { Text = "" },
        });
    }

    private IEnumerable<SseItem<string>> Close(string status)
    {
        if (_openItem is not { } item)
            yield break;
        var index = _output.Count;
        var text = _open.ToString();
        ResponseOutputItem done;
        if (item.Type == ResponsesTypes.Message)
        {
            done = ResponseBuilder.Message(item.Id, text, status);
            yield return Event(E("response.output_text.done") with { ItemId = item.Id, OutputIndex = index, ContentIndex = 0, Text = text, Logprobs = [] });
            yield return Event(E("response.content_part.done") with { ItemId = item.Id, OutputIndex = index, ContentIndex = 0, Part = done.Content![0] });
        }
        else
        {
            done = item with { Arguments = text, Status = status };
            yield return Event(E("response.function_call_arguments.done") with { ItemId = item.Id, OutputIndex = index, Name = item.Name, Arguments = text });
        }
        yield return Event(E("response.output_item.done") with { OutputIndex = index, Item = done });
        _output.Add(done);
        _openItem = null;
        _open.Clear();
    }

    private static ResponseStreamEvent E(string type) => new() { Type = type, SequenceNumber = 0 };

    private SseItem<string> Event(ResponseStreamEvent draft) => new(
        JsonSerializer.Serialize(draft with { SequenceNumber = _sequence++ }, ContractsJsonContext.Default.ResponseStreamEvent), draft.Type);
}
