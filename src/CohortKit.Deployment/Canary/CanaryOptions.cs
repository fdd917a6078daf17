namespace CohortKit.Deployment.Canary;

/// <summary>Which direction of a metric hurts learners.</summary>
public enum MetricDirection
{
    /// <summary>Higher is worse (latency, errors, time to first answer).</summary>
    LowerIsBetter,

    /// <summary>Lower is worse (completion, answers per session).</summary>
    HigherIsBetter,
}

/// <summary>A learner-facing guardrail metric the canary judge compares (Mann–Whitney, as for latency).</summary>
public sealed record GuardrailMetric
{
    /// <summary>Gets the metric's name, the key of <see cref="CanaryArm.Guardrails"/>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets which direction hurts.</summary>
    public required MetricDirection Direction { get; init; }

    /// <summary>Gets whether a significant harm fails the canary whatever the score (as Kayenta's critical metrics).</summary>
    public bool Critical { get; init; }

    /// <summary>Gets the relative change of the mean tolerated before a significant harm counts, e.g. 0.05 for 5 %.</summary>
    public double Tolerance { get; init; }
}

/// <summary>Options of the <see cref="CanaryJudge"/>.</summary>
public sealed class CanaryOptions
{
    /// <summary>Gets or sets the two-sided significance level of each metric's test; a harm counts when p &lt; Alpha and the
    /// change is in the harmful direction, so each metric's false-fail rate is about Alpha / 2.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the score (percentage of metrics without harm) at or above which the verdict is pass.</summary>
    /// <value>The default value is 95 (Kayenta's default).</value>
    public double PassScore { get; set; } = 95;

    /// <summary>Gets or sets the score at or above which a non-passing canary is marginal rather than failed.</summary>
    /// <value>The default value is 75 (Kayenta's default).</value>
    public double MarginalScore { get; set; } = 75;

    /// <summary>Gets or sets the relative increase of mean latency tolerated before a significant increase counts.</summary>
    /// <value>The default value is 0.05 (5 %).</value>
    public double LatencyTolerance { get; set; } = 0.05;

    /// <summary>Gets or sets the absolute increase of the error rate tolerated before a significant increase counts.</summary>
    /// <value>The default value is 0.001 (0.1 percentage point).</value>
    public double ErrorRateTolerance { get; set; } = 0.001;

    /// <summary>Gets or sets whether a latency harm fails the canary whatever the score.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LatencyCritical { get; set; } = true;

    /// <summary>Gets or sets whether an error-rate harm fails the canary whatever the score.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ErrorRateCritical { get; set; } = true;

    /// <summary>Gets the guardrail metrics compared besides latency and error rate.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<GuardrailMetric> Guardrails { get; } = [];

    /// <summary>Gets or sets the per-arm sample size at which the sequential test's confidence sequence is tightest.</summary>
    /// <value>The default value is 1,000.</value>
    public double SequentialTuningUnitsPerArm { get; set; } = 1_000;
}
