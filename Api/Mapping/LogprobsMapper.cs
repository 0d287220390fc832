using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>Engine token log probabilities to OpenAI's logprobs.content entries.</summary>
public static class LogprobsMapper
{
    public static TokenLogprob Map(TokenLogprobInfo info) => new()
    {
        Token = info.Token,
        Logprob = info.Logprob,
        Bytes = Bytes(info.Bytes),
        TopLogprobs = info.TopLogprobs.Select(top => new TopLogprob { Token = top.Token, Logprob = top.Logprob, Bytes = Bytes(top.Bytes) }).ToList(),
    };

    public static ChoiceLogprobs? ForChunk(IReadOnlyList<TokenLogprobInfo>? infos) =>
        infos is null ? null : new ChoiceLogprobs { Content = infos.Select(Map).ToList() };

    private static List<int> Bytes(byte[] bytes) => bytes.Select(b => (int)b).ToList();
}
