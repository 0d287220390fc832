using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FlorenceVL.Api.Tests.Playground;

/// <summary>
/// A real server process on the embedded default model (models/florence-vl-shapes), as `dotnet run --project Api`
/// serves it, and one headless Debian chromium driven through chromedriver (both from apt: scripts/test.sh installs
/// the chromium and chromium-driver packages). The browser starts on first use, so tests that only need HTTP run
/// without it.
/// </summary>
public sealed class PlaygroundFixture : IAsyncLifetime
{
    private static readonly string[] BrowserCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    private static readonly string[] DriverCandidates = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

    private readonly Lazy<ChromeDriver> _browser = new(StartBrowser);
    private ServerProcess? _keyed;

    public const string ApiKey = "playground-test-key";

    public ServerProcess Server { get; private set; } = null!;

    /// <summary>Where screenshots of the page go (git-ignored).</summary>
    public static string Screenshots { get; } = Repository.Path("artifacts", "test-screenshots");

    public ChromeDriver Browser => _browser.Value;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Model__Path"] = "" });
        await Server.WaitUntilReadyAsync();
    }

    /// <summary>A second server, on the test model, that wants <see cref="ApiKey"/>; started on first use.</summary>
    public async Task<ServerProcess> KeyedServerAsync()
    {
        if (_keyed is null)
        {
            _keyed = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Auth__ApiKeys__0"] = ApiKey });
            await _keyed.WaitUntilReadyAsync();
        }
        return _keyed;
    }

    public async Task DisposeAsync()
    {
        if (_browser.IsValueCreated) _browser.Value.Quit();
        if (_keyed is not null) await _keyed.DisposeAsync();
        await Server.DisposeAsync();
    }

    public void Screenshot(string name)
    {
        Directory.CreateDirectory(Screenshots);
        Browser.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name));
    }

    private static ChromeDriver StartBrowser()
    {
        var browser = Environment.GetEnvironmentVariable("CHROMIUM_BINARY") is { Length: > 0 } b ? b : BrowserCandidates.FirstOrDefault(File.Exists);
        var driver = Environment.GetEnvironmentVariable("CHROMEDRIVER") is { Length: > 0 } d ? d : DriverCandidates.FirstOrDefault(File.Exists);
        var missing = new[] { (browser, "chromium", BrowserCandidates), (driver, "chromedriver", DriverCandidates) }
            .Where(m => m.Item1 is null || !File.Exists(m.Item1))
            .Select(m => $"{m.Item2} (looked for {(m.Item1 is null ? string.Join(", ", m.Item3) : m.Item1)})").ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"The playground tests drive a headless chromium and found no {string.Join(" and no ", missing)}. Install Debian's " +
                "packages: `sudo apt-get install -y chromium chromium-driver` (./scripts/test.sh does), or set CHROMIUM_BINARY and CHROMEDRIVER.");

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        // --no-sandbox: CI containers run as root; --disable-dev-shm-usage: their /dev/shm is small.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1280,860", "--force-device-scale-factor=1", "--no-first-run", "--disable-extensions");
        return new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
    }
}
