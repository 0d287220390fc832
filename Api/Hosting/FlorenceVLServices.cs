using FlorenceVL.Api.Auth;
using FlorenceVL.Api.Endpoints;
using FlorenceVL.Api.Images;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Api.Options;
using FlorenceVL.Engine.FeatureStore;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FlorenceVL.Api.Hosting;

/// <summary>AddFlorenceVL: validated options, the engine and its loader, request pipeline, remote images, API keys, health.</summary>
public static class FlorenceVLServices
{
    public static WebApplicationBuilder AddFlorenceVL(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new ModelLocator(builder.Environment.ContentRootPath));
        services.AddValidatedOptions<ModelOptions>(ModelOptions.Section)
            .Services.AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>();
        services.AddValidatedOptions<SchedulerOptions>(SchedulerOptions.Section);
        services.AddValidatedOptions<LimitsOptions>(LimitsOptions.Section);
        services.AddValidatedOptions<RemoteImageOptions>(RemoteImageOptions.Section);
        // The shared DBFusion feature store (FeatureStore:Redis, env FeatureStore__Redis); optional: without it only the
        // in-process encoder cache serves repeated images.
        services.AddOptions<FeatureStoreOptions>().BindConfiguration(FeatureStoreOptions.Section).ValidateOnStart()
            .Services.AddSingleton<IValidateOptions<FeatureStoreOptions>, FeatureStoreOptionsValidator>();
        services.AddValidatedOptions<AuthOptions>(AuthOptions.Section)
            .Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddValidatedOptions<PlaygroundOptions>(PlaygroundOptions.Section);

        services.AddSingleton(sp => EngineOptionsFactory.Create(
            sp.GetRequiredService<IOptions<ModelOptions>>().Value, sp.GetRequiredService<IOptions<SchedulerOptions>>().Value,
            sp.GetRequiredService<IOptions<LimitsOptions>>().Value, sp.GetRequiredService<IOptions<FeatureStoreOptions>>().Value,
            sp.GetRequiredService<ModelLocator>()));
        services.AddSingleton<EngineHost>();
        services.AddSingleton<IEngineLoader, InferenceEngineLoader>();
        services.AddHostedService<EngineHostedService>();

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyFilter>();
        services.AddSingleton<EngineReadyFilter>();
        // Compiled grammars by schema hash, shared by every request (structured outputs and tool calls).
        services.AddSingleton(new FlorenceVL.Engine.Constrained.GrammarCache());
        services.AddSingleton<ChatRequestPreparer>();
        services.AddSingleton<ImageResolver>();
        services.AddRemoteImages();

        services.AddHealthChecks().AddCheck<EngineReadinessCheck>("engine", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    private static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>A client that never follows redirects or proxies, connects only through <see cref="HostGuard"/>, and retries transient failures.</summary>
    private static void AddRemoteImages(this IServiceCollection services)
    {
        services.AddSingleton<HostGuard>();
        services.AddSingleton<RemoteImageFetcher>();
        services.AddHttpClient(RemoteImageFetcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<HostGuard>().ConnectAsync,
            })
            .AddResilienceHandler("remote-images", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<RemoteImageOptions>>().Value;
                if (options.MaxRetries > 0)
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = TimeSpan.FromMilliseconds(200),
                        BackoffType = DelayBackoffType.Exponential,
                        ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                    });
                pipeline.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
            });
    }

    /// <summary>A refused address is final; connection failures, timeouts and 5xx/408/429 are worth another try.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException { InnerException: RemoteImageRefusedException } } => false,
        { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode is 408 or 429 or >= 500,
        _ => false,
    };
}
