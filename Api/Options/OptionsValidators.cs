using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Options;

/// <summary>Checks that the checkpoint folder exists, naming every place looked at.</summary>
public sealed class ModelOptionsValidator(ModelLocator locator) : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        if (locator.Resolve(options.Path) is not null)
            return ValidateOptionsResult.Success;
        var searched = string.Join(", ", locator.Candidates(options.Path).Take(6));
        return ValidateOptionsResult.Fail(
            $"FlorenceVL:Model:Path '{options.Path}' is not a checkpoint folder (no config.json); looked in: {searched}.");
    }
}

/// <summary>A configured key file must exist and hold at least one key; keys must not be blank.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.ApiKeys.Any(string.IsNullOrWhiteSpace))
            return ValidateOptionsResult.Fail("FlorenceVL:Auth:ApiKeys contains a blank key.");
        if (options.ApiKeysFile is not { Length: > 0 } file)
            return ValidateOptionsResult.Success;
        if (!File.Exists(file))
            return ValidateOptionsResult.Fail($"FlorenceVL:Auth:ApiKeysFile '{file}' does not exist.");
        return Auth.ApiKeyStore.ReadKeyFile(file).Count > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"FlorenceVL:Auth:ApiKeysFile '{file}' holds no key.");
    }
}
