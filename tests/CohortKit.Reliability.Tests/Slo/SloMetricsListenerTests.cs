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

    /// <summary>The error tag beside a status code: HttpClient's convention sets <c>error.type</c> to the code's text on every
    /// 4xx/5xx, which alone must not make a 404 bad; an exception type beside a status code is bad. Requests: 404 + "404" (good),
    /// 404 as text + "404" (good), 500 + "500" (bad), 200 + an exception type (bad), 404 + an exception type (bad) = 3 of 5.</summary>
    [Fact]
    public void Histogram_ErrorTypeEqualToTheStatusCode_IsJudgedByTheCode()
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var duration = meter.CreateHistogram<double>("http.client.request.duration", "s");
        var monitor = Monitor();
        using var listener = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name, InstrumentName = "http.client.request.duration" });
        KeyValuePair<string, object?> Error(string type) => new("error.type", type);

        duration.Record(0.01, Status(404), Error("404"));
        duration.Record(0.01, Status("404"), Error("404"));
        duration.Record(0.01, Status(500), Error("500"));
        duration.Record(0.01, Status(200), Error("System.IO.IOException"));
        duration.Record(0.01, Status(404), Error("response_ended"));

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((5, 3));
    }

    /// <summary>Every measurement type the Meter API allows is counted (byte, short and decimal histograms were subscribed but
    /// had no callback), and a status code boxed as any integral type is read: per instrument one bad code (503) and one good
    /// one (200), each boxed as a different integral type: 7 instruments, 14 requests, 7 bad.</summary>
    [Fact]
    public void Histogram_OfEveryMeasurementType_WithStatusCodesOfEveryIntegralType_IsCounted()
    {
        using var meter = new Meter($"test.http.{Guid.NewGuid():N}");
        var monitor = Monitor();
        using var listener = new SloMetricsListener(monitor, new SloMetricSource { MeterName = meter.Name });
        const string name = "http.server.request.duration";
        var byteHistogram = meter.CreateHistogram<byte>(name, "s");
        var shortHistogram = meter.CreateHistogram<short>(name, "s");
        var intHistogram = meter.CreateHistogram<int>(name, "s");
        var longHistogram = meter.CreateHistogram<long>(name, "s");
        var floatHistogram = meter.CreateHistogram<float>(name, "s");
        var doubleHistogram = meter.CreateHistogram<double>(name, "s");
        var decimalHistogram = meter.CreateHistogram<decimal>(name, "s");
        listener.SubscribedInstruments.Should().Be(7);

        byteHistogram.Record(1, Status((ushort)503));
        byteHistogram.Record(1, Status((byte)200));
        shortHistogram.Record(1, Status(503u));
        shortHistogram.Record(1, Status((ushort)200));
        intHistogram.Record(1, Status(503UL));
        intHistogram.Record(1, Status(200u));
        longHistogram.Record(1, Status((short)503));
        longHistogram.Record(1, Status(200UL));
        floatHistogram.Record(1, Status(503L));
        floatHistogram.Record(1, Status((short)200));
        doubleHistogram.Record(1, Status(503));
        doubleHistogram.Record(1, Status(200L));
        decimalHistogram.Record(1, Status("503"));
        decimalHistogram.Record(1, Status(200));

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((14, 7));
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
    /// <c>System.Net.Http</c>) against a loopback server that answers 500 to every third request and 404 to some others. The listener is narrowed to
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
                context.Response.StatusCode = i % 3 == 2 ? 500 : i % 4 == 1 ? 404 : 200;
                context.Response.Close();
            }
        });

        var monitor = Monitor();
        var source = new SloMetricSource { MeterName = "System.Net.Http", InstrumentName = "http.client.request.duration" };
        source.RequiredTags["server.port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var listener = new SloMetricsListener(monitor, source);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var (failed, notFound) = (0, 0);
        for (var i = 0; i < calls; i++)
        {
            using var response = await http.GetAsync("lesson");
            failed += (int)response.StatusCode >= 500 ? 1 : 0;
            notFound += response.StatusCode == HttpStatusCode.NotFound ? 1 : 0;
        }

        await serving;

        // i % 3 == 2 -> 500 (20 of 60); of the rest, i % 4 == 1 -> 404: i = 1, 9, 13, 21, 25, 33, 37, 45, 49, 57 (10).
        // HttpClient tags each 404 with error.type = "404"; a 404 is still good (below MinimumBadStatusCode).
        (failed, notFound).Should().Be((calls / 3, 10));
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
