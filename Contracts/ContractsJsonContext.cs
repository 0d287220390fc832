using System.Text.Json.Serialization;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Models;
using FlorenceVL.Contracts.Responses;

namespace FlorenceVL.Contracts;

/// <summary>
/// Source-generated serialisation for every wire type. snake_case_lower names; nulls are omitted except on the
/// properties OpenAI always sends (those carry <c>[JsonIgnore(Condition = Never)]</c>). MaxDepth is far below the
/// default 64 because no valid request nests deeper than about 8 levels and deep junk only costs stack.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    AllowDuplicateProperties = false,
    MaxDepth = ContractsJsonContext.MaxDepthLimit)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(List<ContentPart>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(OpenAIErrorResponse))]
[JsonSerializable(typeof(Tokenize.TokenizeRequest))]
[JsonSerializable(typeof(Tokenize.TokenizeResponse))]
[JsonSerializable(typeof(Tokenize.DetokenizeRequest))]
[JsonSerializable(typeof(Tokenize.DetokenizeResponse))]
[JsonSerializable(typeof(ResponsesRequest))]
[JsonSerializable(typeof(ResponsesInputItem))]
[JsonSerializable(typeof(List<ResponsesContentPart>))]
[JsonSerializable(typeof(ResponseObject))]
[JsonSerializable(typeof(ResponseStreamEvent))]
[JsonSerializable(typeof(Images.ImageObject))]
[JsonSerializable(typeof(Images.ImageUploadRequest))]
public sealed partial class ContractsJsonContext : JsonSerializerContext
{
    public const int MaxDepthLimit = 32;
}
