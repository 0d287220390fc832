using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlorenceVL.Tests.Shared;

/// <summary>
/// The server as users and pods run it: a separate `dotnet FlorenceVL.Api.dll --urls http://127.0.0.1:PORT` process on a
/// free loopback port, configured only through the environment and the command line, stopped with SIGTERM or a kill.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="assembly"/> (the built server by default); <paramref name="environment"/> entries
    /// override settings (FlorenceVL__Section__Key) and <paramref name="extraArgs"/> follow the --urls switch.</summary>
    public static ServerProcess Start(IReadOnlyDictionary<string, string>? environment = null, string? assembly = null, params string[] extraArgs)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[assembly ?? Repository.ApiAssembly, "--urls", baseAddress.ToString().TrimEnd('/'), .. extraArgs])
            start.ArgumentList.Add(arg);
        start.Environment["FlorenceVL__Model__Path"] = "models/florence-vl-tiny"; // the test model; an empty override serves the default
        start.Environment["FlorenceVL__Scheduler__KvCacheBytes"] = (8 * 1024 * 1024).ToString();
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        return new ServerProcess(Process.Start(start)!, baseAddress);
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server was not ready within 120 s:\n{Output}");
    }

    /// <summary>What the kubelet sends when a pod is deleted.</summary>
    public void SendSigterm()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed.");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
