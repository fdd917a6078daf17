namespace CohortKit.Deployment.Canary;

/// <summary>What one version served during the canary window.</summary>
public sealed record CanaryArm
{
    /// <summary>Gets the latencies of its successful requests, in milliseconds.</summary>
    public required ReadOnlyMemory<double> LatenciesMs { get; init; }

    /// <summary>Gets the requests it served (successful or not).</summary>
    public required long Requests { get; init; }

    /// <summary>Gets the requests that failed (5xx or transport error).</summary>
    public required long Errors { get; init; }

    /// <summary>Gets the values of each guardrail metric, keyed by <see cref="GuardrailMetric.Name"/>.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<double>> Guardrails { get; init; } = new Dictionary<string, ReadOnlyMemory<double>>();
}

/// <summary>The canary's verdict, as Kayenta's.</summary>
public enum CanaryVerdict
{
    /// <summary>No critical harm and a score at or above the pass score.</summary>
    Pass,

    /// <summary>No critical harm and a score between the marginal and the pass score: a person decides.</summary>
    Marginal,

    /// <summary>A critical harm, or a score below the marginal score.</summary>
    Fail,
}

/// <summary>How green compares with blue on one metric.</summary>
public enum MetricOutcome
{
    /// <summary>No significant difference beyond the tolerance.</summary>
    Same,

    /// <summary>Significantly worse beyond the tolerance (a harm).</summary>
    Worse,

    /// <summary>Significantly better.</summary>
    Better,

    /// <summary>The test is undefined (e.g. no errors, or all values equal in both arms); counted as no harm.</summary>
    NoDifferenceMeasurable,
}

/// <summary>The tests the judge runs.</summary>
public enum CanaryTest
{
    /// <summary>Mann–Whitney U (Experiments' <c>MannWhitneyUTest</c>).</summary>
    MannWhitney,

    /// <summary>Pooled two-proportion z-test (Experiments' <c>TwoProportionZTest</c>).</summary>
    TwoProportion,

    /// <summary>Mixture sequential probability ratio test on the means (Experiments' <c>MixtureSequentialTest</c>).</summary>
    MixtureSequential,
}

/// <summary>The comparison of one metric.</summary>
public sealed record CanaryMetricResult
{
    /// <summary>Gets the metric's name (<c>latency_ms</c>, <c>error_rate</c> or a guardrail's name).</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the test used.</summary>
    public required CanaryTest Test { get; init; }

    /// <summary>Gets the outcome.</summary>
    public required MetricOutcome Outcome { get; init; }

    /// <summary>Gets whether a harm on this metric fails the canary whatever the score.</summary>
    public required bool Critical { get; init; }

    /// <summary>Gets blue's mean (the error rate for <c>error_rate</c>).</summary>
    public required double BlueMean { get; init; }

    /// <summary>Gets green's mean.</summary>
    public required double GreenMean { get; init; }

    /// <summary>Gets the two-sided p-value (1 when the test is undefined).</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the reason, one line for a person.</summary>
    public required string Reason { get; init; }
}

/// <summary>The judge's report.</summary>
public sealed record CanaryReport
{
    /// <summary>Gets the verdict.</summary>
    public required CanaryVerdict Verdict { get; init; }

    /// <summary>Gets the score: the percentage of metrics without harm.</summary>
    public required double Score { get; init; }

    /// <summary>Gets every metric's comparison, latency first, then error rate, then the guardrails in options order.</summary>
    public required IReadOnlyList<CanaryMetricResult> Metrics { get; init; }

    /// <summary>Gets why the verdict is what it is (the harmed metrics' reasons, or that none was harmed).</summary>
    public required IReadOnlyList<string> Reasons { get; init; }

    /// <summary>Gets the look number for a sequential judgement (1 for the first), 0 for a fixed-horizon one.</summary>
    public int Look { get; init; }
}
