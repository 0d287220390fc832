using FlorenceVL.Engine.FeatureStore;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Options;

/// <summary>Reports the feature store's range checks as start-up validation failures (one clear line each).</summary>
public sealed class FeatureStoreOptionsValidator : IValidateOptions<FeatureStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, FeatureStoreOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
