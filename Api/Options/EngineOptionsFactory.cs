using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Options;

/// <summary>Builds the engine's plain record from the validated options, once (the engine never sees IOptions).</summary>
public static class EngineOptionsFactory
{
    public static EngineOptions Create(ModelOptions model, SchedulerOptions scheduler, LimitsOptions limits, FeatureStoreOptions featureStore,
        ModelLocator locator) => new()
    {
        ModelPath = locator.Resolve(model.Path)
            ?? throw new InvalidOperationException("The model path was validated at start-up but no longer resolves."),
        ServedModelName = string.IsNullOrWhiteSpace(model.ServedModelName) ? null : model.ServedModelName,
        Device = model.Device,
        DType = ModelDType.Resolve(model.DType, model.Device),
        KvCacheBytes = scheduler.KvCacheBytes,
        BlockSize = scheduler.BlockSize,
        MaxNumSeqs = scheduler.MaxNumSeqs,
        MaxNumBatchedTokens = scheduler.MaxNumBatchedTokens,
        LongPrefillTokenThreshold = scheduler.LongPrefillTokenThreshold,
        MaxWaiting = scheduler.MaxWaiting,
        MaxModelLen = scheduler.MaxModelLen,
        EncoderCacheImages = scheduler.EncoderCacheImages,
        MaxImageBytes = limits.MaxImageBytes,
        MaxImagePixels = limits.MaxImagePixels,
        WarmUp = scheduler.WarmUp,
        FeatureStore = featureStore,
    };
}
