// The sample platform host: experiment readouts and peer suggestions through CohortKit's packages, readiness and liveness
// through Microsoft.Extensions.Diagnostics.HealthChecks, and /version. The version and the loopback port are chosen at start,
// so the same build runs as blue and as green side by side:
//   dotnet CohortKit.Samples.PlatformHost.dll --app-version blue --port 0 [--allow-faults] [--extra-latency-ms N]
// It prints one line "listening on http://127.0.0.1:PORT/" once it serves.
using System.Globalization;
using System.Net;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Samples.PlatformHost;
using CohortKit.Similarity.Search;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var options = HostArguments.Parse(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
var state = new HostState();
builder.Services.AddSingleton(state);
builder.Services.AddSingleton(_ => PeerDirectory.Build(learners: 2_000, dimensions: 16, seed: 7));
builder.Services.AddHealthChecks()
    .AddCheck("live", () => HealthCheckResult.Healthy(), tags: ["live"])
    .AddCheck("ready", () => state.Ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("marked unhealthy"), tags: ["ready"]);

var app = builder.Build();
app.Use(async (context, next) =>
{
    context.Response.Headers[HostArguments.VersionHeader] = options.Version;
    if (options.ExtraLatencyMs > 0 && !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
    {
        await Task.Delay(options.ExtraLatencyMs, context.RequestAborted);
    }

    await next(context);
});
app.MapGet("/version", () => new VersionResponse(options.Version));
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });

// Peer suggestions: the k most similar learners by cosine similarity (CohortKit.Similarity's exact index).
app.MapGet("/peers/{learner:long}", (long learner, int? k, PeerDirectory peers) =>
    k is < 1 ? Results.BadRequest($"k must be at least 1, got {k}")
    : peers.Suggest(new LearnerId(learner), k ?? 5) is { } found
        ? Results.Ok(new PeersResponse(options.Version, learner, found.Select(n => new Peer(n.Id.Value, n.Score)).ToList()))
        : Results.NotFound());

// Experiment readouts: Welch's t-test and the Mann-Whitney U test of CohortKit.Experiments on the posted arms.
app.MapPost("/experiments/readout", (ReadoutRequest request) =>
{
    if (request.Control is not { Length: >= 2 } || request.Treatment is not { Length: >= 2 })
    {
        return Results.BadRequest("control and treatment need at least 2 values each");
    }

    try
    {
        var welch = WelchTTest.Compute(request.Control, request.Treatment, request.Alpha ?? 0.05);
        var rank = MannWhitneyUTest.Test(request.Control, request.Treatment);
        return Results.Ok(new ReadoutResponse(options.Version, welch.AbsoluteEffect, welch.Interval.Low, welch.Interval.High, welch.PValue, rank.PValue));
    }
    catch (ArgumentException ex)
    {
        return Results.BadRequest(ex.Message);
    }
});

if (options.AllowFaults)
{
    app.MapPost("/admin/fault/unhealthy", () =>
    {
        state.Ready = false;
        return Results.Ok();
    });
}

await app.StartAsync();
// In process under a TestServer (WebApplicationFactory) there is no address to announce.
if (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } address)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening on {address.TrimEnd('/')}/"));
    Console.Out.Flush();
}

await app.WaitForShutdownAsync();
