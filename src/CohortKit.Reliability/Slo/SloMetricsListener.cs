using System.Diagnostics.Metrics;
using System.Globalization;

namespace CohortKit.Reliability.Slo;

/// <summary>Which OpenTelemetry (System.Diagnostics.Metrics) instrument a <see cref="SloMetricsListener"/> reads, and how it
/// tells a bad request from a good one. The defaults follow the OpenTelemetry HTTP semantic conventions as ASP.NET Core
/// emits them: the histogram <c>http.server.request.duration</c> (seconds) of the meter <c>Microsoft.AspNetCore.Hosting</c>,
/// one measurement per request, tagged with <c>http.response.status_code</c> and, on failure, <c>error.type</c>.</summary>
public sealed class SloMetricSource
{
    /// <summary>Gets or sets the meter's name.</summary>
    /// <value>The default value is <c>Microsoft.AspNetCore.Hosting</c> (HttpClient's is <c>System.Net.Http</c>).</value>
    public string MeterName { get; set; } = "Microsoft.AspNetCore.Hosting";

    /// <summary>Gets or sets the instrument's name. A histogram is read as one request per measurement whose value is its
    /// duration; a counter as a number of requests (availability only: a counter carries no durations).</summary>
    /// <value>The default value is <c>http.server.request.duration</c> (HttpClient's is <c>http.client.request.duration</c>).</value>
    public string InstrumentName { get; set; } = "http.server.request.duration";

    /// <summary>Gets or sets the tag holding the HTTP status code (an integer, or its text).</summary>
    /// <value>The default value is <c>http.response.status_code</c>.</value>
    public string StatusCodeTag { get; set; } = "http.response.status_code";

    /// <summary>Gets or sets the tag whose presence marks a failed request (a transport error, a timeout, an unhandled exception).
    /// When a status code is present and this tag's value is just that code's text (as HttpClient tags every 4xx and 5xx),
    /// <see cref="MinimumBadStatusCode"/> decides instead.</summary>
    /// <value>The default value is <c>error.type</c>.</value>
    public string ErrorTypeTag { get; set; } = "error.type";

    /// <summary>Gets or sets the smallest status code that counts as bad (server errors by default: a 404 is the client's fault).</summary>
    /// <value>The default value is 500.</value>
    public int MinimumBadStatusCode { get; set; } = 500;

    /// <summary>Gets the tags a measurement must carry, with these values (compared as invariant text), to count: e.g.
    /// <c>http.route</c> = <c>/lessons/{id}</c> for one route's SLO, or <c>server.port</c> for one upstream.</summary>
    /// <value>Empty by default: every measurement of the instrument counts.</value>
    public IDictionary<string, string> RequiredTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>Feeds a <see cref="SloMonitor"/> from an OpenTelemetry metric already emitted in the process (by default ASP.NET
/// Core's <c>http.server.request.duration</c>), through a <see cref="MeterListener"/>: the SLI comes from the same measurements
/// an OpenTelemetry exporter sends, with no exporter and no extra instrumentation in the request path.</summary>
/// <remarks>
/// <para>A measurement with a status code is bad when the code is at least <see cref="SloMetricSource.MinimumBadStatusCode"/>,
/// or when it carries the error tag with a value other than the code's own text (HttpClient tags every 4xx and 5xx with
/// <c>error.type</c> = the code, so a 404 stays good; an exception type beside a code is bad). With no status code, the error
/// tag alone makes it bad; for <see cref="ServiceLevelIndicator.Latency"/> a good request must also be within
/// <see cref="SloOptions.LatencyThreshold"/>, its value read in the instrument's unit (<c>s</c>, <c>ms</c> or <c>us</c>).</para>
/// <para>An instrument of the right meter and name that cannot serve the indicator (a counter, or a histogram with another
/// unit, for a latency SLI) is not listened to and is listed in <see cref="RejectedInstruments"/>, rather than counted wrong.</para>
/// <para>Measurements are recorded at the monitor's current time, as they happen. Dispose the listener to stop.</para>
/// </remarks>
public sealed class SloMetricsListener : IDisposable
{
    private readonly SloMonitor _monitor;
    private readonly SloMetricSource _source;
    private readonly MeterListener _listener;
    private readonly Lock _gate = new();
    private readonly List<string> _rejected = [];
    private readonly KeyValuePair<string, string>[] _required;
    private int _subscribed;

    /// <summary>Starts listening.</summary>
    /// <param name="monitor">The monitor to feed.</param>
    /// <param name="source">The instrument and its classification; the ASP.NET Core server-duration defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="monitor"/> is null.</exception>
    /// <exception cref="ArgumentException">A name or tag of <paramref name="source"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="SloMetricSource.MinimumBadStatusCode"/> is outside 100–999.</exception>
    public SloMetricsListener(SloMonitor monitor, SloMetricSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        source ??= new SloMetricSource();
        ArgumentException.ThrowIfNullOrWhiteSpace(source.MeterName, "source.MeterName");
        ArgumentException.ThrowIfNullOrWhiteSpace(source.InstrumentName, "source.InstrumentName");
        ArgumentException.ThrowIfNullOrWhiteSpace(source.StatusCodeTag, "source.StatusCodeTag");
        ArgumentException.ThrowIfNullOrWhiteSpace(source.ErrorTypeTag, "source.ErrorTypeTag");
        if (source.MinimumBadStatusCode is < 100 or > 999)
        {
            throw new ArgumentOutOfRangeException("source.MinimumBadStatusCode", source.MinimumBadStatusCode, "The smallest bad status code must be an HTTP status code (100–999).");
        }

        _monitor = monitor;
        _source = new SloMetricSource
        {
            MeterName = source.MeterName,
            InstrumentName = source.InstrumentName,
            StatusCodeTag = source.StatusCodeTag,
            ErrorTypeTag = source.ErrorTypeTag,
            MinimumBadStatusCode = source.MinimumBadStatusCode,
        };
        foreach (var (key, value) in source.RequiredTags)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key, "source.RequiredTags");
            _source.RequiredTags[key] = value ?? throw new ArgumentException($"Required tag '{key}' has no value.", "source.RequiredTags");
        }

        _required = [.. _source.RequiredTags];
        _listener = new MeterListener { InstrumentPublished = OnPublished };
        // Every measurement type the Meter API allows (byte, short, int, long, float, double, decimal): an instrument of a
        // type with no callback would be subscribed and silently never counted.
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<double>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => OnMeasurement(i, v, t, s));
        _listener.Start();
    }

    /// <summary>Gets how many instruments are being listened to (0 until the meter and instrument exist in the process).</summary>
    public int SubscribedInstruments => Volatile.Read(ref _subscribed);

    /// <summary>Gets the instruments that matched by meter and name but cannot serve the indicator, each with the reason.</summary>
    public IReadOnlyList<string> RejectedInstruments
    {
        get
        {
            lock (_gate)
            {
                return _rejected.ToArray();
            }
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        if (!string.Equals(instrument.Meter.Name, _source.MeterName, StringComparison.Ordinal)
            || !string.Equals(instrument.Name, _source.InstrumentName, StringComparison.Ordinal))
        {
            return;
        }

        var reason = Reject(instrument, out var state);
        if (reason is not null)
        {
            lock (_gate)
            {
                _rejected.Add($"{instrument.Meter.Name}/{instrument.Name}: {reason}");
            }

            return;
        }

        Interlocked.Increment(ref _subscribed);
        listener.EnableMeasurementEvents(instrument, state);
    }

    /// <summary>Why the instrument cannot serve the indicator (null when it can), and how to read it.</summary>
    private string? Reject(Instrument instrument, out InstrumentState state)
    {
        var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        var histogram = definition == typeof(Histogram<>);
        var counter = definition == typeof(Counter<>);
        state = new InstrumentState(histogram, TicksPerUnit(instrument.Unit));
        var latency = _monitor.Indicator == ServiceLevelIndicator.Latency;
        if (!histogram && !counter)
        {
            return $"a {instrument.GetType().Name} is neither a histogram of request durations nor a counter of requests";
        }

        if (latency && !histogram)
        {
            return "a latency indicator needs a histogram of durations; a counter carries none";
        }

        if (latency && state.TicksPerUnit is null)
        {
            return $"unit '{instrument.Unit}' is not a duration unit this listener reads (s, ms, us)";
        }

        return null;
    }

    private static double? TicksPerUnit(string? unit) => unit switch
    {
        "s" => TimeSpan.TicksPerSecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "us" or "µs" => TimeSpan.TicksPerMicrosecond,
        _ => null,
    };

    private void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, IConvertible
    {
        if (state is not InstrumentState s)
        {
            return;
        }

        if (_required.Length != 0 && !HasRequiredTags(tags))
        {
            return;
        }

        var bad = IsBad(tags);
        var amount = value.ToDouble(CultureInfo.InvariantCulture);
        if (s.Histogram)
        {
            if (bad || _monitor.Indicator == ServiceLevelIndicator.Availability)
            {
                _monitor.Record(!bad);
            }
            else
            {
                // A duration that is not a finite non-negative number cannot show the request was fast enough.
                var good = amount >= 0 && amount * s.TicksPerUnit!.Value <= _monitor.LatencyThreshold.Ticks;
                _monitor.Record(good);
            }

            return;
        }

        // A counter of requests: a negative or fractional increment is not a number of requests.
        if (amount > 0 && amount <= long.MaxValue && Math.Floor(amount) == amount)
        {
            var requests = (long)amount;
            _monitor.RecordCounts(requests, bad ? requests : 0);
        }
    }

    private bool HasRequiredTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var (key, expected) in _required)
        {
            var found = false;
            foreach (var tag in tags)
            {
                if (string.Equals(tag.Key, key, StringComparison.Ordinal))
                {
                    found = string.Equals(Convert.ToString(tag.Value, CultureInfo.InvariantCulture), expected, StringComparison.Ordinal);
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Classifies one measurement. With a status code, the request is bad when the code is at least the minimum, or
    /// when it carries an error type that is not just the code's text: the HTTP conventions have HttpClient set
    /// <c>error.type</c> to the status code for every 4xx and 5xx, so that alone must not make a 404 bad, while an exception
    /// type beside a status code (a response that failed mid-body, say) still does. With no status code, any error type is bad.</summary>
    private bool IsBad(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        long? code = null;
        string? error = null;
        foreach (var tag in tags)
        {
            if (string.Equals(tag.Key, _source.ErrorTypeTag, StringComparison.Ordinal) && tag.Value is not null)
            {
                error = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
            else if (string.Equals(tag.Key, _source.StatusCodeTag, StringComparison.Ordinal))
            {
                code = StatusCode(tag.Value);
            }
        }

        if (code is not { } status)
        {
            return error is not null;
        }

        return status >= _source.MinimumBadStatusCode
            || (error is not null && !string.Equals(error, status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    /// <summary>A status code boxed as any integral type, or as its invariant text; null when the value is none of these.</summary>
    private static long? StatusCode(object? value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        string text when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private sealed record InstrumentState(bool Histogram, double? TicksPerUnit);
}
