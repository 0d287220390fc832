using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Weights;

namespace FlorenceVL.Api.Hosting;

/// <summary>
/// Loads the model after the server starts listening, so /health/live answers during the load and /health/ready turns
/// green when it is done. A load failure stops the host with exit code 1: a server that can never be ready should not
/// sit in the pool.
/// </summary>
public sealed class EngineHostedService(
    EngineHost host, IEngineLoader loader, EngineOptions options, IHostApplicationLifetime lifetime,
    ILogger<EngineHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Yield first: ExecuteAsync runs synchronously up to its first await, and start-up must not wait for the load.
        await Task.Yield();
        try
        {
            logger.LogInformation("Loading model from {ModelPath} on {Device} ({DType})", options.ModelPath, options.Device, options.DType);
            if (options.DType == TorchSharp.torch.ScalarType.BFloat16 && options.Device == "cpu" && !FlorenceVL.Engine.Runtime.CpuFeatures.HasNativeBFloat16)
                logger.LogWarning("This CPU has no AVX-512 BF16 or AMX: bfloat16 matrix products are emulated here and run about ten times slower than float32. Use FlorenceVL:Model:DType=float32 if the weights fit in memory.");
            var engine = await Task.Run(() => loader.Load(options), stoppingToken).WaitAsync(stoppingToken);
            host.Publish(engine);
            logger.LogInformation("Model {ModelId} ready (context {MaxModelLen} tokens)", engine.Model.Id, engine.Model.MaxModelLen);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is CheckpointException or ModelConfigException or TokenizerLoadException)
        {
            // A problem with the folder, not with the program: say what it is and where to look, without a stack trace.
            logger.LogCritical("The model at {ModelPath} could not be loaded: {Reason} For a full report of the folder, run: dotnet run -c Release --project Api -- inspect {ModelPath}",
                options.ModelPath, e.Message, options.ModelPath);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The model at {ModelPath} could not be loaded; stopping", options.ModelPath);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        switch (host.Withdraw())
        {
            case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync(); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }
}
