using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Reliability.Tests.Slo;

/// <summary>The SLI read from OpenTelemetry instruments: each test publishes its own meter (a unique name, since meter
/// listeners are process-wide) shaped like the HTTP semantic conventions, and the counts expected are worked out from the
/// measurements it writes.</summary>
public sealed class SloMetricsListenerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static SloMonitor Monitor(ServiceLevelIndicator indicator = ServiceLevelIndicator.Availability)
        => new(new SloOptions { Objective = 0.99, Indicator = indicator, LatencyThreshold = TimeSpan.FromMilliseconds(300) }, new FakeTimeProvider(Start));

    private static KeyValuePair<string, object?> Status(object code) => new("http.response.status_code", code);

    /// <summary>Six requests on a duration histogram in seconds: 200/0.1 s, 503/0.05 s, 200/0.4 s, 404/0.01 s, an error with no
    /// status, and "500" as text. Availability: bad = the 503, the error and the "500" = 3 of 6. Latency (300 ms): those three plus
    /// the 0.4-s success = 4 of 6 (the 404 is the client's fault and fast, so good).</summary>
    [Theory]
    [InlineData(ServiceLevelIndicator.Availability, 3)]
    [InlineData(ServiceLevelIndicator.Latency, 4)]
    public void Histogram_ClassifiesEachRequestByStatusErrorAndDuration(ServiceLevelIndicator indicator, long expectedBad)
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
        var monitor = Monitor(indicator);
        using var listener = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name });
        listener.SubscribedInstruments.Should().Be(1);

        duration.Record(0.1, Status(200));
        duration.Record(0.05, Status(503));
        duration.Record(0.4, Status(200));
        duration.Record(0.01, Status(404));
        duration.Record(0.02, new KeyValuePair<string, object?>("error.type", "System.Net.Http.HttpRequestException"));
        duration.Record(0.02, Status("500"));

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((6, expectedBad));
    }

    [Fact]
    public void Histogram_InMilliseconds_ReadsTheValueInItsUnit()
    {
        // 299 ms and 300 ms are within the 300-ms threshold, 301 ms is not: 1 bad of 3. Read as seconds all three would be bad.
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var duration = meter.CreateHistogram<long>("http.server.request.duration", "ms");
        var monitor = Monitor(ServiceLevelIndicator.Latency);
        using var listener = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name });
        duration.Record(299, Status(200));
        duration.Record(300, Status(200));
        duration.Record(301, Status(200));
        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((3, 1));
    }

    [Fact]
    public void Counter_CountsRequestsPerIncrement_AndIgnoresOtherInstrumentsAndUnmatchedTags()
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var requests = meter.CreateCounter<long>("requests");
        var other = meter.CreateCounter<long>("other");
        var monitor = Monitor();
        var source = new SloMetricSource { MeterName = meter.Name, InstrumentName = "requests" };
        source.RequiredTags["http.route"] = "/lessons";
        using var listener = new SloMetricsListener(monitor, source);

        requests.Add(10, Status(200), new("http.route", "/lessons"));
        requests.Add(3, Status(500), new("http.route", "/lessons"));
        requests.Add(7, Status(500), new("http.route", "/admin")); // another route
        requests.Add(5, Status(500)); // no route
        other.Add(100, Status(500), new("http.route", "/lessons")); // another instrument

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((13, 3));
    }

    [Fact]
    public void InstrumentsThatCannotServeTheIndicator_AreRejectedWithTheReason_NotCountedWrong()
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var counter = meter.CreateCounter<long>("requests");
        var minutes = meter.CreateHistogram<double>("slow", "min");
        var monitor = Monitor(ServiceLevelIndicator.Latency);
        using var onCounter = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name, InstrumentName = "requests" });
        using var onMinutes = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name, InstrumentName = "slow" });

        counter.Add(10, Status(200));
        minutes.Record(0.001, Status(200));

        onCounter.SubscribedInstruments.Should().Be(0);
        onCounter.RejectedInstruments.Should().ContainSingle().Which.Should().Contain("counter carries none");
        onMinutes.RejectedInstruments.Should().ContainSingle().Which.Should().Contain("unit 'min'");
        monitor.Evaluate().Requests.Should().Be(0);
    }

    [Fact]
    public void Constructor_BadSource_NamesTheField()
    {
        var monitor = Monitor();
        FluentActions.Invoking(() => new SloMetricsListener(null!)).Should().Throw<ArgumentNullException>().WithParameterName("monitor");
        FluentActions.Invoking(() => new SloMetricsListener(monitor, new SloMetricSource { MeterName = " " }))
            .Should().Throw<ArgumentException>().WithParameterName("source.MeterName");
        FluentActions.Invoking(() => new SloMetricsListener(monitor, new SloMetricSource { MinimumBadStatusCode = 1000 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("source.MinimumBadStatusCode");
    }

    [Fact]
    public void Dispose_StopsCounting()
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
        var monitor = Monitor();
        var listener = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name });
        duration.Record(0.1, Status(500));
        listener.Dispose();
        duration.Record(0.1, Status(500));
        monitor.Evaluate().Requests.Should().Be(1);
    }

    /// <summary>End to end with a real emitter: HttpClient's own <c>http.client.request.duration</c> (meter
    /// <c>System.Net.Http</c>) against a loopback server that answers 500 to every third request. The listener is narrowed to
    /// this test's server port, so HTTP calls elsewhere in the process do not count.</summary>
    [Fact]
    public async Task HttpClientMetrics_OnLoopback_SloCountsEqualTheClientsOwn()
    {
        const int calls = 60;
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < calls; i++)
            {
                var context = await server.GetContextAsync();
                context.Response.StatusCode = i % 3 == 2 ? 500 : 200;
                context.Response.Close();
            }
        });

        var monitor = Monitor();
        var source = new SloMetricSource { MeterName = "System.Net.Http", InstrumentName = "http.client.request.duration" };
        source.RequiredTags["server.port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var listener = new SloMetricsListener(monitor, source);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var failed = 0;
        for (var i = 0; i < calls; i++)
        {
            using var response = await http.GetAsync("lesson");
            failed += (int)response.StatusCode >= 500 ? 1 : 0;
        }

        await serving;
        failed.Should().Be(calls / 3);
        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((calls, failed));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
