using FlorenceVL.Api.Hosting;
using FlorenceVL.Engine.Diagnostics;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Api.Metrics;

/// <summary>
/// GET /metrics for Prometheus, open without an API key. Names follow vLLM's (prefixed florencevl_);
/// florencevl_pending_work is the autoscaler's per-pod signal. Before the model is ready only florencevl_ready answers.
/// </summary>
public static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapFlorenceVLMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (EngineHost host) => Results.Text(Render(host), PrometheusText.ContentType))
            .ExcludeFromDescription();
        return app;
    }

    public static string Render(EngineHost host)
    {
        var text = new PrometheusText().Gauge("florencevl_ready", "1 once the model is loaded and warmed up.", host.IsReady ? 1 : 0);
        if (host.Engine is { } engine)
            Write(text, engine.Metrics);
        return text.ToString();
    }

    private static void Write(PrometheusText text, EngineMetrics metrics)
    {
        var scheduler = metrics.Scheduler;
        text.Gauge("florencevl_num_requests_waiting", "Sequences waiting to be scheduled.", scheduler.NumWaiting)
            .Gauge("florencevl_num_requests_running", "Sequences in the running batch.", scheduler.NumRunning)
            .Gauge("florencevl_num_pending_images", "Images of queued requests not yet encoded by the vision tower.", metrics.NumPendingImages)
            .Gauge("florencevl_pending_work", "Waiting requests plus pending images: the autoscaling signal.", metrics.PendingWork)
            .Gauge("florencevl_kv_cache_usage_perc", "Fraction of KV cache blocks in use (0-1).", double.IsNaN(scheduler.KvCacheUsage) ? 0 : scheduler.KvCacheUsage)
            .Gauge("florencevl_kv_cache_used_blocks", "KV cache blocks in use.", scheduler.NumUsedBlocks)
            .Gauge("florencevl_kv_cache_free_blocks", "KV cache blocks free.", scheduler.NumFreeBlocks)
            .Counter("florencevl_num_preemptions_total", "Sequences preempted for lack of KV blocks.", scheduler.NumPreemptions)
            .Counter("florencevl_prefix_cache_queries_total", "Prompt tokens looked up in the prefix cache.", scheduler.PrefixCache.QueriedTokens)
            .Counter("florencevl_prefix_cache_hits_total", "Prompt tokens found in the prefix cache.", scheduler.PrefixCache.HitTokens)
            .Counter("florencevl_encoder_cache_queries_total", "Image lookups in the encoder cache.", scheduler.EncoderCache.Queries)
            .Counter("florencevl_encoder_cache_hits_total", "Image lookups served from the encoder cache.", scheduler.EncoderCache.Hits)
            .Counter("florencevl_vision_encoder_images_total", "Images the vision tower actually ran on.", metrics.VisionImagesEncoded)
            .Counter("florencevl_prompt_tokens_total", "Prompt tokens admitted.", metrics.PromptTokens)
            .Counter("florencevl_generation_tokens_total", "Tokens generated.", metrics.GenerationTokens)
            .LabelledCounter("florencevl_requests_total", "Finished requests by outcome.", "status", metrics.RequestsByStatus)
            .Histogram("florencevl_time_to_first_token_seconds", "Time from admission to the first generated token.", metrics.TimeToFirstToken)
            .Histogram("florencevl_time_per_output_token_seconds", "Time between generated tokens.", metrics.TimePerOutputToken)
            .Histogram("florencevl_preprocess_seconds", "Tokenising and image preprocessing per request.", metrics.PreprocessSeconds)
            .Histogram("florencevl_vision_seconds", "Vision tower time per step that encoded images.", metrics.VisionSeconds)
            .Histogram("florencevl_step_seconds", "Engine step duration.", metrics.StepSeconds);
        FeatureStoreMetricsText.Write(text, metrics.FeatureStore);
        var constraints = metrics.Constraints;
        text.Counter("florencevl_constrained_masks_total", "Token masks computed for structured outputs and tool calls.", constraints.NumMasks)
            .Counter("florencevl_constrained_mask_seconds_total", "Time spent computing and applying those masks.",
                constraints.MaskTicks / (double)System.Diagnostics.Stopwatch.Frequency)
            .Counter("florencevl_constrained_empty_masks_total", "Masks that allowed no token (a grammar fault; stays 0).", constraints.EmptyMasks)
            .Counter("florencevl_constrained_refused_tokens_total", "Sampled tokens the grammar refused (a grammar fault; stays 0).", constraints.RefusedTokens);
    }
}
