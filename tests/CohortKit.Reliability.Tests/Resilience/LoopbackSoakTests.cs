using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CohortKit.Reliability.Resilience;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace CohortKit.Reliability.Tests.Resilience;

/// <summary>A bounded soak: a sample HTTP endpoint on loopback whose every response passes through a chaos drill that answers
/// 500 for 1 % of requests; the client calls it through the standard pipeline. Bounded in requests (12 windows × 1,000), so it
/// takes seconds, not minutes: the 30-second windows are on a fake clock that advances 30 ms per request, while the HTTP calls
/// are real. In every window the client-observed availability must be at least 99.99 %, and the SLO engine's counts must
/// equal the client's own.</summary>
public sealed class LoopbackSoakTests(ITestOutputHelper output)
{
    private const int Windows = 12;
    private const int PerWindow = 1000;

    [Fact]
    public async Task Soak_OnePercentFaults_EveryThirtySecondWindowMeetsFourNines_AndTheSloEngineAgrees()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var stop = new CancellationTokenSource();
        var chaos = ChaosDrill.Create(new ChaosDrillOptions { OutcomeRate = 0.01, Seed = 20261129 }, () => 500);
        var injected = 0;
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (Exception) when (stop.IsCancellationRequested) { return; }
                var status = chaos.Execute(() => 200);
                if (status == 500) { Interlocked.Increment(ref injected); }
                context.Response.StatusCode = status;
                context.Response.ContentLength64 = 2;
                await context.Response.OutputStream.WriteAsync("ok"u8.ToArray());
                context.Response.Close();
            }
        });

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var pipeline = OutboundPipelines.Standard<HttpStatusCode>(new OutboundPipelineOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1) }, s => (int)s >= 500);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero));
        var slo = new SloMonitor(new SloOptions { Objective = 0.9999 }, clock);
        var watch = Stopwatch.StartNew();
        long previousRequests = 0, previousBad = 0;
        for (var w = 0; w < Windows; w++)
        {
            var good = 0;
            for (var i = 0; i < PerWindow; i++)
            {
                var status = await pipeline.ExecuteAsync(async ct => (await http.GetAsync("lesson", ct)).StatusCode);
                var ok = status == HttpStatusCode.OK;
                good += ok ? 1 : 0;
                slo.Record(ok);
                clock.Advance(TimeSpan.FromMilliseconds(30)); // 1,000 requests per 30-s bucket
            }

            var s = slo.Evaluate(); // totals over the period so far; the difference from the last window is window w
            var windowRequests = s.Requests - previousRequests;
            var windowBad = s.BadRequests - previousBad;
            (previousRequests, previousBad) = (s.Requests, s.BadRequests);
            ((double)good / PerWindow).Should().BeGreaterThanOrEqualTo(0.9999, $"window {w}");
            (windowRequests, windowRequests - windowBad).Should().Be((PerWindow, good), $"the SLO engine counts window {w} as the client does");
        }

        await stop.CancelAsync();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
        output.WriteLine($"{Windows * PerWindow} requests, {injected} injected 500s, {watch.Elapsed.TotalSeconds:F1} s");
        injected.Should().BeInRange(60, 200, "about 1 % of ~12,000 server responses were faults");
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
