using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Tests.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.FeatureStore;

/// <summary>
/// The engine's image store (POST /v1/images, issue 20) without Redis: uploads live in a process-local store with the
/// feature store's TTL, and a request naming an upload's features projects them instead of running the vision tower.
/// </summary>
public sealed class ImageStoreTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0, MaxTokens = 8, IgnoreEos = true };

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task In_memory_entries_expire_their_ttl_after_the_last_write()
    {
        var clock = new ManualClock();
        var store = new InMemoryFeatureStore(1 << 20, TimeSpan.FromMinutes(10), clock);
        var key = new FeatureKey(new string('c', 64), default, ScalarType.Float32);
        var value = new FeatureValue(ScalarType.Float32, [2, 2], new byte[16]);

        Assert.True(await store.SetAsync(key, value));
        clock.Now += TimeSpan.FromMinutes(9);
        Assert.NotNull(await store.GetAsync(key));
        Assert.True(await store.SetAsync(key, value)); // a rewrite restarts the TTL
        clock.Now += TimeSpan.FromMinutes(9);
        Assert.NotNull(await store.GetAsync(key));
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Null(await store.GetAsync(key));
        Assert.Equal(0, store.NumBytes);
    }

    [Fact]
    public async Task Without_a_ttl_entries_do_not_expire()
    {
        var clock = new ManualClock();
        var store = new InMemoryFeatureStore(1 << 20, timeProvider: clock);
        var key = new FeatureKey(new string('d', 64), default, ScalarType.Float32);
        Assert.True(await store.SetAsync(key, new FeatureValue(ScalarType.Float32, [1], new byte[4])));
        clock.Now += TimeSpan.FromDays(365);
        Assert.NotNull(await store.GetAsync(key));
    }

    [Fact]
    public async Task A_request_by_stored_features_answers_as_the_image_inline_and_encodes_nothing()
    {
        var png = TestModel.Png(seed: 77);
        using var engine = InferenceEngine.Start(TestModel.Options());
        var store = engine.Images;
        Assert.False(store.IsShared);

        var info = await store.PutAsync(png, CancellationToken.None);
        Assert.True(info.Encoded);
        Assert.Equal(engine.Model.NumVisualTokensPerImage, info.NumVisualTokens);
        Assert.Equal(info.StoredAt + store.Ttl, info.ExpiresAt);
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);
        var stored = await store.GetAsync(info.ContentHash, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(engine.Model.NumVisualTokensPerImage, stored.Features.Shape[0]);

        // Uploading it again reuses the stored features.
        Assert.False((await store.PutAsync(png, CancellationToken.None)).Encoded);
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);

        var byId = EngineDriver.Request("Describe the image.", [[]], Greedy) with { StoredImages = new Dictionary<int, StoredImage> { [0] = stored } };
        var answerById = await EngineDriver.RunAsync(engine, byId);
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);

        using var reference = InferenceEngine.Start(TestModel.Options()); // a fresh prefix cache
        var inline = await EngineDriver.RunAsync(reference, EngineDriver.Request("Describe the image.", [png], Greedy));
        Assert.Equal(1, reference.Metrics.VisionImagesEncoded);
        Assert.Equal(inline.Texts, answerById.Texts);
        Assert.Equal(inline.PromptTokens, answerById.PromptTokens);
    }

    [Fact]
    public async Task An_unknown_hash_is_a_miss_and_a_bad_upload_is_an_image_error()
    {
        using var engine = InferenceEngine.Start(TestModel.Options());

        Assert.Null(await engine.Images.GetAsync(new string('e', 64), CancellationToken.None));
        await Assert.ThrowsAsync<ImageInputException>(() => engine.Images.PutAsync("not an image"u8.ToArray(), CancellationToken.None));
        Assert.Equal(0, engine.Metrics.VisionImagesEncoded);
    }

    [Fact]
    public void A_stored_image_placeholder_has_no_pixels_to_encode()
    {
        var image = PreprocessedImage.FromStoredFeatures(new string('f', 64), 32);
        Assert.False(image.HasPixels);
        Assert.Throws<InvalidOperationException>(() => image.ToTensor());
    }
}
