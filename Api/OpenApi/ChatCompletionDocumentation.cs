using System.Text.Json.Nodes;
using FlorenceVL.Contracts.Chat;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace FlorenceVL.Api.OpenApi;

/// <summary>The chat completion request body and examples for the Swagger UI, so "Try it out" starts from a working body.</summary>
public sealed class ChatCompletionDocumentation : IOperationFilter
{
    private const string TextRequest = """
        {"model":"florence-vl-shapes","messages":[{"role":"system","content":"You are a helpful assistant."},
         {"role":"user","content":"Say hello."}],"max_tokens":16,"temperature":0}
        """;

    private const string ImageRequest = """
        {"model":"florence-vl-shapes","messages":[{"role":"user","content":[
         {"type":"text","text":"What is in this image?"},
         {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAKUlEQVR42g3HMQEAAAzCMIRVGEqqBIFbviSR2LiYIFgcn0ptXT+T2bl5ycMUocNqw7sAAAAASUVORK5CYII=","detail":"auto"}}]}],
         "max_tokens":16}
        """;

    private const string StreamingRequest = """
        {"model":"florence-vl-shapes","messages":[{"role":"user","content":"Count to five."}],"max_tokens":16,
         "stream":true,"stream_options":{"include_usage":true}}
        """;

    private const string StructuredRequest = """
        {"model":"florence-vl-shapes","messages":[{"role":"user","content":"Describe the shapes as JSON."}],"max_tokens":120,
         "temperature":0,"response_format":{"type":"json_schema","json_schema":{"name":"shapes","strict":true,"schema":{
          "type":"object","properties":{"count":{"type":"integer"},"shapes":{"type":"array","items":{"type":"object",
          "properties":{"color":{"type":"string"},"shape":{"type":"string","enum":["circle","square","triangle"]}},
          "required":["color","shape"],"additionalProperties":false}}},"required":["count","shapes"],"additionalProperties":false}}}}
        """;

    private const string ToolsRequest = """
        {"model":"florence-vl-shapes","messages":[{"role":"user","content":"How many shapes are there?"}],"max_tokens":40,
         "tools":[{"type":"function","function":{"name":"report_count","description":"Report how many shapes the picture has",
          "parameters":{"type":"object","properties":{"count":{"type":"integer"}},"required":["count"],"additionalProperties":false}}}],
         "tool_choice":"required"}
        """;

    private const string Response = """
        {"id":"chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012","object":"chat.completion","created":1767225600,
         "model":"florence-vl-shapes","system_fingerprint":"fp_0123456789",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":40,"completion_tokens":3,"total_tokens":43,
          "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0,"image_tokens":25},
          "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
        """;

    private const string BadRequest = """
        {"error":{"message":"Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
         "type":"invalid_request_error","param":"temperature","code":"decimal_above_max_value"}}
        """;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId != "CreateChatCompletion")
            return;
        // Described here rather than with Accepts<T>(), whose content-type filter would answer a 415 outside OpenAI's error shape.
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = context.SchemaGenerator.GenerateSchema(typeof(ChatCompletionRequest), context.SchemaRepository),
                    Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["text"] = Example("A text conversation", TextRequest),
                        ["image"] = Example("An image as a data: URL", ImageRequest),
                        ["streaming"] = Example("Streaming with a final usage chunk", StreamingRequest),
                        ["json_schema"] = Example("Structured output: the answer follows a JSON schema", StructuredRequest),
                        ["tools"] = Example("Tool calling: the answer is a call of report_count", ToolsRequest),
                    },
                },
            },
        };
        SetExample(operation, "200", Response);
        SetExample(operation, "400", BadRequest);
    }

    private static void SetExample(OpenApiOperation operation, string status, string json)
    {
        if (operation.Responses?.TryGetValue(status, out var response) == true
            && response.Content?.TryGetValue("application/json", out var responseMedia) == true && responseMedia is OpenApiMediaType media)
            media.Example = JsonNode.Parse(json);
    }

    private static OpenApiExample Example(string summary, string json) => new() { Summary = summary, Value = JsonNode.Parse(json) };
}
