using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace FlorenceVL.Tests.Shared;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, for one test class. Installs the package when
/// it is missing (as scripts/test.sh does) and can be killed and restarted on the same port.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    public RedisServer()
    {
        Executable = FindOrInstall();
        Port = FreePort();
        Start();
    }

    public string Executable { get; }
    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        if (IsRunning) return;
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no" })
            info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException($"{Executable} did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilAccepting();
    }

    /// <summary>SIGKILL: the server vanishes mid-stream, connections drop, data is gone (no persistence).</summary>
    public void Kill()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>A separate admin connection for inspecting or pausing the server.</summary>
    public ConnectionMultiplexer Admin() => ConnectionMultiplexer.Connect($"{ConnectionString},allowAdmin=true");

    public void Dispose() => Kill();

    private void WaitUntilAccepting()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(20); }
        }
        throw new InvalidOperationException($"redis-server did not accept connections on port {Port} within 10 s.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindOrInstall()
    {
        if (OnPath("redis-server") is { } found) return found;
        var install = Process.Start(new ProcessStartInfo("bash", ["-c", "apt-get update -qq && apt-get install -y -qq redis-server"]) { UseShellExecute = false });
        install?.WaitForExit();
        return OnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not on PATH and `apt-get install -y redis-server` did not provide it.");
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
