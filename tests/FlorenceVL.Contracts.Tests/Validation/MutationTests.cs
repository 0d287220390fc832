using System.Text;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class MutationTests
{
    private const string Valid = """
        {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[
          {"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]}],
         "max_tokens":10,"temperature":0.5,"stop":["x"],"stream":true,"stream_options":{"include_usage":true},"logprobs":true,"top_logprobs":2}
        """;

    private static readonly byte[] Replacements = "{}[]\":,0-9enul\\ tx\u00e9"u8.ToArray();

    [Fact]
    public void Truncated_and_corrupted_bodies_never_throw()
    {
        var random = new Random(20240605);
        var source = Encoding.UTF8.GetBytes(Valid);
        var validator = new ChatRequestValidator();
        var rejected = 0;

        for (var i = 0; i < 5_000; i++)
        {
            var body = Mutate(source, random);
            if (ChatRequestParser.TryParse(body, out var request, out _))
                rejected += validator.Validate(request).Count > 0 ? 1 : 0;
            else
                rejected++;
        }

        Assert.InRange(rejected, 1, 5_000);
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var body = (byte[])source.Clone();
        if (random.Next(4) == 0)
            return body[..random.Next(body.Length)];
        for (var flips = random.Next(1, 4); flips > 0; flips--)
            body[random.Next(body.Length)] = Replacements[random.Next(Replacements.Length)];
        return body;
    }
}
