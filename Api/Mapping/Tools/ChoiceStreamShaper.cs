using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;
using EngineFinish = FlorenceVL.Engine.Inference.FinishReason;

namespace FlorenceVL.Api.Mapping;

/// <summary>
/// Turns one choice's generation events into chunk choices by the request's <see cref="OutputPlan"/>. Content
/// streams as it comes. A named call streams too: its first piece carries the call's id and name, the rest are
/// argument pieces, as OpenAI streams a call. Calls in the model's own format (required, and auto once the answer
/// opens with a call) are read whole at the finish and sent as one tool-call chunk, since a half-written call
/// array cannot be split into OpenAI's per-call pieces safely. Auto holds back only leading whitespace until the
/// first byte shows which it is.
/// </summary>
public sealed class ChoiceStreamShaper(int index, OutputPlan plan)
{
    private enum State { Content, NamedCall, Undecided, BufferedCalls }

    /// <summary>What JSON (and so the engine's call trigger) counts as whitespace before a document; nothing else.</summary>
    private static readonly char[] JsonWhitespace = [' ', '\t', '\n', '\r'];

    private readonly System.Text.StringBuilder _held = new();
    private readonly List<TokenLogprobInfo> _heldLogprobs = [];
    private State _state = plan.Calls switch
    {
        ToolCallMode.None => State.Content,
        ToolCallMode.Named => State.NamedCall,
        ToolCallMode.Required => State.BufferedCalls,
        _ => State.Undecided,
    };
    private bool _callStarted;

    public IEnumerable<ChunkChoice> OnText(TextDelta delta)
    {
        switch (_state)
        {
            case State.Content:
                yield return ContentChoice(delta.Text, delta.Logprobs);
                break;
            case State.NamedCall:
                yield return NamedCallPiece(delta.Text, delta.Logprobs);
                break;
            case State.BufferedCalls:
                Hold(delta);
                break;
            default:
                Hold(delta);
                var text = _held.ToString().TrimStart(JsonWhitespace);
                if (text.Length == 0) break;
                if (text[0] == (char)plan.Format.OpeningByte)
                {
                    _state = State.BufferedCalls;
                    break;
                }
                _state = State.Content;
                yield return ContentChoice(_held.ToString(), TakeHeldLogprobs());
                _held.Clear();
                break;
        }
    }

    public IEnumerable<ChunkChoice> OnFinish(ChoiceFinished done)
    {
        var finish = FinishReasonMapper.Map(done.Reason);
        if (_state == State.NamedCall)
        {
            if (!_callStarted) yield return NamedCallPiece("", null);
            finish = done.Reason == EngineFinish.Stop ? FinishReasons.ToolCalls : finish;
        }
        else if (_state is State.BufferedCalls or State.Undecided)
        {
            var message = ChoiceMessage.Read(plan, _held.ToString(), done.Reason);
            var logprobs = LogprobsMapper.ForChunk(TakeHeldLogprobs());
            if (message.ToolCalls is { } calls)
                yield return new ChunkChoice
                {
                    Index = index,
                    Delta = new ChunkDelta { ToolCalls = calls.Select((c, i) => WholeCall(i, c)).ToList() },
                    Logprobs = logprobs,
                };
            else if (_held.Length > 0)
                yield return new ChunkChoice { Index = index, Delta = new ChunkDelta { Content = _held.ToString() }, Logprobs = logprobs };
            finish = message.FinishReason;
        }
        yield return new ChunkChoice { Index = index, Delta = new ChunkDelta(), FinishReason = finish };
    }

    private void Hold(TextDelta delta)
    {
        _held.Append(delta.Text);
        if (delta.Logprobs is { } logprobs) _heldLogprobs.AddRange(logprobs);
    }

    private IReadOnlyList<TokenLogprobInfo>? TakeHeldLogprobs()
    {
        if (_heldLogprobs.Count == 0) return null;
        var taken = _heldLogprobs.ToList();
        _heldLogprobs.Clear();
        return taken;
    }

    private ChunkChoice ContentChoice(string text, IReadOnlyList<TokenLogprobInfo>? logprobs) => new()
    {
        Index = index,
        Delta = new ChunkDelta { Content = text },
        Logprobs = LogprobsMapper.ForChunk(logprobs),
    };

    private ChunkChoice NamedCallPiece(string arguments, IReadOnlyList<TokenLogprobInfo>? logprobs)
    {
        var first = !_callStarted;
        _callStarted = true;
        var piece = new ToolCallDelta
        {
            Index = 0,
            Id = first ? CompletionIds.NewToolCallId() : null,
            Type = first ? ToolTypes.Function : null,
            Function = new FunctionCallDelta { Name = first ? plan.NamedFunction : null, Arguments = arguments },
        };
        return new ChunkChoice { Index = index, Delta = new ChunkDelta { ToolCalls = [piece] }, Logprobs = LogprobsMapper.ForChunk(logprobs) };
    }

    private static ToolCallDelta WholeCall(int callIndex, ToolCall call) => new()
    {
        Index = callIndex,
        Id = call.Id,
        Type = call.Type,
        Function = new FunctionCallDelta { Name = call.Function!.Name, Arguments = call.Function.Arguments },
    };
}
