using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>
/// Body of <c>POST /v1/chat/completions</c>, mirroring OpenAI's wire shape. Every field is optional on the wire,
/// so every field is nullable here; <see cref="Validation.ChatRequestValidator"/> decides what is required.
/// </summary>
public sealed record ChatCompletionRequest
{
    public string? Model { get; init; }
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>Legacy name of <see cref="MaxCompletionTokens"/>; both are accepted.</summary>
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }

    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? N { get; init; }
    public StopSequences? Stop { get; init; }
    public long? Seed { get; init; }
    public double? PresencePenalty { get; init; }
    public double? FrequencyPenalty { get; init; }
    public bool? Logprobs { get; init; }
    public int? TopLogprobs { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }

    /// <summary>End-user id for abuse tracking; accepted and not used for generation.</summary>
    public string? User { get; init; }

    /// <summary>Accepted so that SDK defaults pass; only <c>false</c> is honoured, as nothing is stored.</summary>
    public bool? Store { get; init; }

    /// <summary>Free-form tags; accepted and ignored.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>text (default), json_object or json_schema: the output is constrained to parse (and to validate).</summary>
    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>Functions the model may call.</summary>
    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>none, auto (the default with tools), required, or a named function.</summary>
    public ToolChoice? ToolChoice { get; init; }

    /// <summary>Whether one answer may hold several calls (default true); only where the model's call format allows it.</summary>
    public bool? ParallelToolCalls { get; init; }

    /// <summary>Extension (vLLM vocabulary): sample from the k most likely tokens only.</summary>
    public int? TopK { get; init; }

    /// <summary>Extension (vLLM vocabulary): drop tokens below min_p times the top token's probability.</summary>
    public double? MinP { get; init; }

    /// <summary>Extension (vLLM/HF vocabulary): multiplicative penalty on tokens already present; 1 disables it.</summary>
    public double? RepetitionPenalty { get; init; }

    /// <summary>
    /// Every property this record does not declare. Kept rather than dropped so that the validator can name each
    /// one in a 400 instead of silently ignoring a field the client relies on (tools, response_format, ...).
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }

    /// <summary>The completion budget the client asked for, whichever of the two names it used.</summary>
    [JsonIgnore]
    public int? RequestedMaxTokens => MaxCompletionTokens ?? MaxTokens;

    [JsonIgnore]
    public bool IsStreaming => Stream == true;
}
