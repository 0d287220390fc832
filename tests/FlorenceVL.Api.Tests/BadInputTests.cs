using System.Net;
using System.Text;
using FlorenceVL.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlorenceVL.Api.Tests;

/// <summary>
/// Malformed and hostile requests: every one is answered 4xx in OpenAI's error shape, and a normal request right
/// after it still succeeds.
/// </summary>
public sealed class BadInputTests(HardenedFactory factory, ImageOrigin origin, ITestOutputHelper output) : IClassFixture<HardenedFactory>, IClassFixture<ImageOrigin>
{
    private const string M = ApiFactory.Model;

    private static string Chat(string extra) => $$"""{"model":"{{M}}","messages":[{"role":"user","content":"Hi"}]{{extra}}}""";

    private static string Messages(string messages) => $$"""{"model":"{{M}}","max_tokens":2,"messages":{{messages}}}""";

    private static string Image(string url) =>
        Messages($$$"""[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]""");

    private static string ImageBytes(byte[] bytes) => Image(TestImages.DataUrl(bytes));

    private static readonly Dictionary<string, Func<ImageOrigin, byte[]>> Cases = new()
    {
        // Malformed JSON and wrong shapes
        ["empty body"] = _ => [],
        ["not JSON"] = _ => Utf8("hello, server"),
        ["truncated JSON"] = _ => Utf8($$"""{"model":"{{M}}","messages":[{"role":"us"""),
        ["array at the root"] = _ => Utf8("[]"),
        ["string at the root"] = _ => Utf8("\"chat\""),
        ["invalid UTF-8"] = _ => [.. Utf8("{\"model\":\""), 0xC3, 0x28, .. Utf8("\"}")],
        ["nesting 200 levels deep"] = _ => Utf8(Chat(",\"metadata\":" + new string('[', 200) + new string(']', 200))),
        ["duplicate keys"] = _ => Utf8($$"""{"model":"{{M}}","model":"other","messages":[{"role":"user","content":"Hi"}]}"""),
        ["lone surrogate escape"] = _ => Utf8(Messages("""[{"role":"user","content":"\ud800"}]""")),
        // Missing or mistyped fields
        ["no model"] = _ => Utf8("""{"messages":[{"role":"user","content":"Hi"}]}"""),
        ["model as a number"] = _ => Utf8("""{"model":7,"messages":[{"role":"user","content":"Hi"}]}"""),
        ["no messages"] = _ => Utf8($$"""{"model":"{{M}}"}"""),
        ["messages empty"] = _ => Utf8(Messages("[]")),
        ["messages a string"] = _ => Utf8(Messages("\"Hi\"")),
        ["message null"] = _ => Utf8(Messages("[null]")),
        ["unknown role"] = _ => Utf8(Messages("""[{"role":"wizard","content":"Hi"}]""")),
        ["tool role"] = _ => Utf8(Messages("""[{"role":"tool","content":"Hi","tool_call_id":"x"}]""")),
        ["content a number"] = _ => Utf8(Messages("""[{"role":"user","content":42}]""")),
        ["content parts empty"] = _ => Utf8(Messages("""[{"role":"user","content":[]}]""")),
        ["unknown part type"] = _ => Utf8(Messages("""[{"role":"user","content":[{"type":"video","url":"x"}]}]""")),
        ["text part without text"] = _ => Utf8(Messages("""[{"role":"user","content":[{"type":"text"}]}]""")),
        ["image part without url"] = _ => Utf8(Messages("""[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]""")),
        ["image in a system message"] = _ => Utf8(Messages($$$"""[{"role":"system","content":[{"type":"image_url","image_url":{"url":"{{{TestImages.DataUrl(TestImages.Png(1))}}}"}}]},{"role":"user","content":"Hi"}]""")),
        ["unknown image detail"] = _ => Utf8(Messages("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"ultra"}}]}]""")),
        ["only a system message"] = _ => Utf8(Messages("""[{"role":"system","content":"Be brief."}]""")),
        // Absurd parameters
        ["max_tokens negative"] = _ => Utf8(Chat(",\"max_tokens\":-5")),
        ["max_tokens a string"] = _ => Utf8(Chat(",\"max_tokens\":\"ten\"")),
        ["max_tokens beyond int"] = _ => Utf8(Chat(",\"max_tokens\":1000000000000")),
        ["max_tokens beyond the context"] = _ => Utf8(Chat(",\"max_tokens\":100000")),
        ["temperature 3"] = _ => Utf8(Chat(",\"temperature\":3")),
        ["temperature 1e400"] = _ => Utf8(Chat(",\"temperature\":1e400")),
        ["temperature a string"] = _ => Utf8(Chat(",\"temperature\":\"hot\"")),
        ["top_p 0"] = _ => Utf8(Chat(",\"top_p\":0")),
        ["n 0"] = _ => Utf8(Chat(",\"n\":0")),
        ["n 1000"] = _ => Utf8(Chat(",\"n\":1000")),
        ["top_logprobs 50"] = _ => Utf8(Chat(",\"logprobs\":true,\"top_logprobs\":50")),
        ["top_logprobs without logprobs"] = _ => Utf8(Chat(",\"top_logprobs\":2")),
        ["logprobs a string"] = _ => Utf8(Chat(",\"logprobs\":\"yes\"")),
        ["presence_penalty 5"] = _ => Utf8(Chat(",\"presence_penalty\":5")),
        ["seed a string"] = _ => Utf8(Chat(",\"seed\":\"lucky\"")),
        ["five stop sequences"] = _ => Utf8(Chat(",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]")),
        ["empty stop sequence"] = _ => Utf8(Chat(",\"stop\":\"\"")),
        ["stream_options without stream"] = _ => Utf8(Chat(",\"stream_options\":{\"include_usage\":true}")),
        ["tool schema the grammar cannot enforce"] = _ => Utf8(Chat(",\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":"
            + "{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"pattern\":\"^a\"}}}}}]")),
        ["tool_choice naming no tool"] = _ => Utf8(Chat(",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}},"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]")),
        ["json_schema response format"] = _ => Utf8(Chat(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{}}")),
        ["unknown field"] = _ => Utf8(Chat(",\"temperture\":0.5")),
        ["store true"] = _ => Utf8(Chat(",\"store\":true")),
        ["seventeen metadata pairs"] = _ => Utf8(Chat(",\"metadata\":{" + string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}")),
        // Images that must not reach the decoder, or that it must refuse
        ["invalid base64"] = _ => Utf8(Image("data:image/png;base64,!!!not-base64!!!")),
        ["data URL not base64"] = _ => Utf8(Image("data:image/png,rawbytes")),
        ["data URL of text"] = _ => Utf8(Image("data:text/plain;base64,aGVsbG8=")),
        ["data URL without comma"] = _ => Utf8(Image("data:image/png;base64")),
        ["empty image"] = _ => Utf8(Image("data:image/png;base64,")),
        ["truncated PNG"] = _ => Utf8(ImageBytes(TestImages.Png(4)[..100])),
        ["truncated JPEG"] = _ => Utf8(ImageBytes(TestImages.Jpeg(4)[..200])),
        ["PNG bomb header"] = _ => Utf8(ImageBytes(TestImages.PngHeaderClaiming(60_000))),
        ["random bytes as an image"] = _ => Utf8(ImageBytes(Enumerable.Range(0, 500).Select(i => (byte)(i * 37)).ToArray())),
        ["image over the byte limit"] = _ => Utf8(ImageBytes(new byte[HardenedFactory.MaxImageBytes + 1024])),
        ["more images than allowed"] = _ => Utf8(Messages("[{\"role\":\"user\",\"content\":[" + string.Join(',', Enumerable.Range(0, 3)
            .Select(i => $$$"""{"type":"image_url","image_url":{"url":"{{{TestImages.DataUrl(TestImages.Png(i, 16, 16))}}}"}}""")) + "]}]")),
        // Remote images: schemes and SSRF
        ["ftp image URL"] = _ => Utf8(Image("ftp://example.com/cat.png")),
        ["file image URL"] = _ => Utf8(Image("file:///etc/passwd")),
        ["loopback IPv4"] = _ => Utf8(Image("http://127.0.0.1/cat.png")),
        ["loopback IPv6"] = _ => Utf8(Image("http://[::1]/cat.png")),
        ["IPv4-mapped loopback"] = _ => Utf8(Image("http://[::ffff:127.0.0.1]/cat.png")),
        ["unspecified address"] = _ => Utf8(Image("http://0.0.0.0/cat.png")),
        ["decimal loopback"] = _ => Utf8(Image("http://2130706433/cat.png")),
        ["cloud metadata"] = _ => Utf8(Image("http://169.254.169.254/latest/meta-data/")),
        ["private 10/8"] = _ => Utf8(Image("http://10.0.0.1/cat.png")),
        ["private 192.168/16"] = _ => Utf8(Image("https://192.168.1.1/cat.png")),
        ["private 172.16/12"] = _ => Utf8(Image("http://172.20.0.5/cat.png")),
        ["CGNAT"] = _ => Utf8(Image("http://100.64.0.1/cat.png")),
        ["IPv6 unique local"] = _ => Utf8(Image("http://[fd00::1]/cat.png")),
        ["IPv6 link-local"] = _ => Utf8(Image("http://[fe80::1]/cat.png")),
        ["NAT64 of loopback"] = _ => Utf8(Image("http://[64:ff9b::7f00:1]/cat.png")),
        ["unresolvable host"] = _ => Utf8(Image("http://no-such-host.invalid/cat.png")),
        ["redirect to a loopback address"] = o => Utf8(Image(o.Url("/redirect-to-loopback"))),
        ["redirect to cloud metadata"] = o => Utf8(Image(o.Url("/redirect-to-metadata"))),
        ["redirect loop"] = o => Utf8(Image(o.Url("/redirect-loop"))),
        ["remote page that is not an image"] = o => Utf8(Image(o.Url("/page.html"))),
        ["remote image missing"] = o => Utf8(Image(o.Url("/missing.png"))),
        ["remote image over the byte limit"] = o => Utf8(Image(o.Url("/oversized.png"))),
        // Size
        ["body over the limit"] = _ => Utf8(Chat($",\"user\":\"{new string('x', HardenedFactory.MaxRequestBodyBytes)}\"")),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Fact]
    public void The_suite_has_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_request_is_a_4xx_in_OpenAI_shape_and_the_server_keeps_serving(string name)
    {
        var client = await factory.ReadyClientAsync();
        var body = new ByteArrayContent(Cases[name](origin));
        body.Headers.ContentType = new("application/json");

        using var response = await client.PostAsync("/v1/chat/completions", body);

        var error = await OpenAIErrorAssert.IsClientErrorAsync(response);
        output.WriteLine($"{(int)response.StatusCode} {error}");
        using var next = await client.PostAsync("/v1/chat/completions",
            new StringContent(Chat(",\"max_tokens\":1"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions")]
    [InlineData("POST", "/v1/completions")]
    [InlineData("DELETE", "/v1/models/florence-vl-tiny")]
    [InlineData("POST", "/v1/chat/completions/extra")]
    public async Task An_unknown_route_under_v1_is_a_404_in_OpenAI_shape(string method, string path)
    {
        var client = await factory.ReadyClientAsync();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound);
        Assert.StartsWith("Invalid URL", error.GetProperty("message").GetString());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
