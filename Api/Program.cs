using FlorenceVL.Api.Commands;
using FlorenceVL.Api.Endpoints;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Metrics;
using FlorenceVL.Api.OpenApi;
using FlorenceVL.Api.Playground;

// Command-line tools share the server's executable: `dotnet run --project Api -- parity <folder>`.
if (CommandLine.TryRun(args, out var exitCode)) return exitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddFlorenceVLConfiguration(args);
builder.AddFlorenceVL();
builder.AddFlorenceVLDrain();
builder.Services.AddFlorenceVLOpenApi();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<OpenAIExceptionHandler>();

var app = builder.Build();
app.UseExceptionHandler();
app.UseFlorenceVLDrain();
app.UseFlorenceVLOpenApi();
app.MapFlorenceVLHealth();
app.MapFlorenceVLMetrics();
app.MapOpenAIApi();
app.MapFlorenceVLPlayground(); // the chat page at / (FlorenceVL:Playground:Enabled)

return await app.RunOrReportAsync();
