using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// The engine as the API sees it. <see cref="StartAsync"/> validates, tokenizes and preprocesses images before anything is
/// scheduled, so every client mistake surfaces as a typed exception (<see cref="InvalidRequestException"/>,
/// <see cref="Processing.Images.ImageInputException"/>, <see cref="EngineOverloadedException"/>) before a response starts;
/// the returned generation then streams events until every choice has finished.
/// </summary>
public interface IInferenceEngine
{
    ModelDescriptor Model { get; }

    /// <summary>True once weights are loaded and a warm-up generation has run.</summary>
    bool IsReady { get; }

    EngineMetrics Metrics { get; }

    /// <summary>Counts and renders prompts exactly as <see cref="StartAsync"/> would, without generating.</summary>
    IPromptTokenizer Prompts { get; }

    ValueTask<IGeneration> StartAsync(GenerationRequest request, CancellationToken cancellationToken);

    /// <summary>Uploaded images by content hash (POST /v1/images); null when this engine keeps none.</summary>
    IImageStore? Images => null;
}

/// <summary>A request as the engine takes it: messages with image parts indexing <see cref="Images"/> (encoded bytes).</summary>
public sealed record GenerationRequest(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<ReadOnlyMemory<byte>> Images, SamplingParams Sampling)
{
    /// <summary>Tools the chat template presents to the model (in its own tool format); empty for none.</summary>
    public IReadOnlyList<ToolSpec> Tools { get; init; } = [];

    /// <summary>Each image's <c>detail</c>, by image index; missing entries are auto (the native size).</summary>
    public IReadOnlyList<ImageDetail> ImageDetails { get; init; } = [];

    /// <summary>The grammar every choice's output must follow (structured outputs, tool calls); null for free text.</summary>
    public OutputConstraint? Output { get; init; }

    /// <summary>
    /// Images referred to by id, by index into <see cref="Images"/> (whose bytes there are unused): their stored
    /// features stand in for the pixels, so they are neither decoded nor encoded again.
    /// </summary>
    public IReadOnlyDictionary<int, StoredImage> StoredImages { get; init; } = new Dictionary<int, StoredImage>();
}

/// <summary>What the server says about its model (for /v1/models and limits).</summary>
public sealed record ModelDescriptor(string Id, string ModelType, int MaxModelLen, int NumVisualTokensPerImage, DateTimeOffset LoadedAt)
{
    /// <summary>How the model writes tool calls (its chat template's format), for the call grammar and the parser.</summary>
    public ToolCallFormat ToolCalls { get; init; } = ToolCallFormat.Phi3;
}

/// <summary>One running request. Disposing it (or cancelling the token passed to <see cref="ReadAllAsync"/>) aborts it and frees its KV blocks.</summary>
public interface IGeneration : IAsyncDisposable
{
    string RequestId { get; }

    int NumPromptTokens { get; }

    int NumImageTokens { get; }

    IAsyncEnumerable<GenerationEvent> ReadAllAsync(CancellationToken cancellationToken);
}

public abstract record GenerationEvent(int ChoiceIndex);

/// <summary>New text for a choice; never splits a UTF-8 character and never contains (part of) a stop string.</summary>
public sealed record TextDelta(int ChoiceIndex, string Text, IReadOnlyList<TokenLogprobInfo>? Logprobs) : GenerationEvent(ChoiceIndex);

/// <summary>A choice ended. <see cref="NumCachedTokens"/> counts prompt tokens served from the prefix cache.</summary>
public sealed record ChoiceFinished(int ChoiceIndex, FinishReason Reason, int NumCompletionTokens, int NumCachedTokens) : GenerationEvent(ChoiceIndex);

public sealed record TokenLogprobInfo(string Token, float Logprob, byte[] Bytes, IReadOnlyList<TopLogprobInfo> TopLogprobs);

public sealed record TopLogprobInfo(string Token, float Logprob, byte[] Bytes);
