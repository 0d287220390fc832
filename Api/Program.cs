using FlorenceVL.Api.Commands;

// Command-line tools share the server's executable: `dotnet run --project Api -- parity <folder>`.
if (CommandLine.TryRun(args, out var exitCode)) return exitCode;

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
await app.RunAsync();
return 0;
