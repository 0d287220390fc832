using System.Security.Cryptography;
using System.Text;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Mapping;

/// <summary>What every response or chunk of one completion repeats: id, creation time, model, fingerprint.</summary>
public sealed record CompletionContext(string Id, long Created, string Model, string SystemFingerprint, int NumChoices, bool IncludeUsage)
{
    public static CompletionContext For(ChatCompletionRequest request, ModelDescriptor model) => new(
        CompletionIds.NewChatCompletionId(),
        DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        model.Id,
        Fingerprint(model),
        request.N ?? 1,
        request.StreamOptions?.IncludeUsage == true);

    /// <summary>Changes when the served model or the server build changes, as OpenAI's fingerprint does for its backend.</summary>
    public static string Fingerprint(ModelDescriptor model)
    {
        var build = typeof(CompletionContext).Assembly.ManifestModule.ModuleVersionId;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{model.Id}|{model.ModelType}|{model.MaxModelLen}|{build}"));
        return "fp_" + Convert.ToHexStringLower(hash)[..10];
    }
}
