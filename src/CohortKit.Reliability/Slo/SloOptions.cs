namespace CohortKit.Reliability.Slo;

/// <summary>Settings of <see cref="SloMonitor"/>.</summary>
public sealed class SloOptions
{
    /// <summary>Gets or sets the objective: the share of good requests, strictly between 0 and 1 (0.9999 is "four nines").</summary>
    /// <value>The default value is 0.999.</value>
    public double Objective { get; set; } = 0.999;

    /// <summary>The most buckets a monitor keeps (<see cref="Period"/> / <see cref="BucketWidth"/>): 10,000,000 buckets of 24
    /// bytes, 240 MB. A longer period needs wider buckets.</summary>
    public const int MaxBucketCount = 10_000_000;

    /// <summary>The narrowest <see cref="BucketWidth"/> accepted: one millisecond.</summary>
    public static readonly TimeSpan MinimumBucketWidth = TimeSpan.FromMilliseconds(1);

    /// <summary>Gets or sets the SLO period over which the error budget is counted; a multiple of <see cref="BucketWidth"/>,
    /// at most <see cref="MaxBucketCount"/> buckets, and at least every alert's long window.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan Period { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the width of a time bucket: memory is one bucket per width in the period (30 days of 30-s
    /// buckets is 86,400 buckets of 24 bytes), whatever the traffic. Every window must be a multiple of it; at least
    /// <see cref="MinimumBucketWidth"/>.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets what makes a request good.</summary>
    /// <value>The default value is <see cref="ServiceLevelIndicator.Availability"/>.</value>
    public ServiceLevelIndicator Indicator { get; set; } = ServiceLevelIndicator.Availability;

    /// <summary>Gets or sets the latency threshold of <see cref="ServiceLevelIndicator.Latency"/>: a request is good when it
    /// succeeded in at most this time.</summary>
    /// <value>The default value is 300 ms.</value>
    public TimeSpan LatencyThreshold { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets the alert rules. When empty (the default), the workbook's three rules
    /// (<see cref="BurnRateAlertRule.WorkbookDefaults"/>) apply.</summary>
    /// <remarks>Empty by default so that binding rules from configuration replaces the defaults instead of appending to them.</remarks>
    public IList<BurnRateAlertRule> Alerts { get; } = [];

    /// <summary>Gets or sets the low-traffic floor, in requests per hour: a window with fewer requests than this rate ×
    /// its length is judged as if the missing requests had succeeded. This is the workbook's "generate artificial traffic"
    /// remedy for low-traffic services done in arithmetic: one failure among three requests no longer pages. 0 turns it off.</summary>
    /// <value>The default value is 0 (off).</value>
    public double LowTrafficMinimumRequestsPerHour { get; set; }

    /// <summary>The rules in force: <see cref="Alerts"/>, or the workbook's when it is empty.</summary>
    internal IReadOnlyList<BurnRateAlertRule> EffectiveAlerts => Alerts.Count == 0 ? BurnRateAlertRule.WorkbookDefaults() : Alerts.ToList();

    /// <summary>A deep copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal SloOptions Snapshot()
    {
        var copy = new SloOptions
        {
            Objective = Objective,
            Period = Period,
            BucketWidth = BucketWidth,
            Indicator = Indicator,
            LatencyThreshold = LatencyThreshold,
            LowTrafficMinimumRequestsPerHour = LowTrafficMinimumRequestsPerHour,
        };
        foreach (var rule in EffectiveAlerts)
        {
            copy.Alerts.Add(rule.Copy());
        }

        return copy;
    }
}
