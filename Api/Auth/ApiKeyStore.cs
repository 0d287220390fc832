using System.Security.Cryptography;
using System.Text;
using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Auth;

/// <summary>
/// The accepted API keys, held only as SHA-256 digests. Comparing digests with FixedTimeEquals keeps the check
/// constant-time and independent of key length; every key is compared, so timing does not say which one matched.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly byte[][] _digests;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        var keys = options.Value.ApiKeys.AsEnumerable();
        if (options.Value.ApiKeysFile is { Length: > 0 } file)
            keys = keys.Concat(ReadKeyFile(file));
        _digests = keys.Select(k => Digest(k.Trim())).ToArray();
    }

    public bool IsEnabled => _digests.Length > 0;

    public bool Accepts(string presentedKey)
    {
        var presented = Digest(presentedKey);
        var matched = false;
        foreach (var digest in _digests)
            matched |= CryptographicOperations.FixedTimeEquals(digest, presented);
        return matched;
    }

    public static IReadOnlyList<string> ReadKeyFile(string path) =>
        File.ReadAllLines(path).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
