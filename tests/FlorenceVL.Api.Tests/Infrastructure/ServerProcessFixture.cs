namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// One ready server process shared by a test class. It runs one sequence at a time, so a request with n choices takes
/// n times as long: long enough for a client to disconnect while the tiny model is still generating.
/// </summary>
public sealed class ServerProcessFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Scheduler__MaxNumSeqs"] = "1" });
        await Server.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
