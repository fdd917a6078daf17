using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Hypothesis;

namespace CohortKit.Experiments.Readout;

/// <summary>One (metric, arm) comparison of a readout, overall or in one segment: the test's result plus what the
/// readout adds (metric, arm, role, segment, adjusted p-value, audit line, guardrail verdict).</summary>
public sealed record MetricReadout : TwoSampleResult
{
    /// <summary>Creates a readout row from a test result; the adjusted p-value starts as the raw one.</summary>
    /// <param name="result">The test result.</param>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public MetricReadout(TwoSampleResult result)
        : base(result ?? throw new ArgumentNullException(nameof(result)))
    {
        AdjustedPValue = result.PValue;
    }

    /// <summary>Gets the metric.</summary>
    public string Metric { get; init; } = "";

    /// <summary>Gets the treatment arm compared with control.</summary>
    public string Arm { get; init; } = "";

    /// <summary>Gets the metric's role.</summary>
    public MetricRole Role { get; init; }

    /// <summary>Gets the segment value, or null overall.</summary>
    public string? Segment { get; init; }

    /// <summary>Gets the p-value after the readout's multiple-testing correction.</summary>
    public double AdjustedPValue { get; init; }

    /// <summary>Gets the audit line: which adjustment shaped the p-value and interval, and why.</summary>
    public string Adjustment { get; init; } = "";

    /// <summary>Gets CUPED's variance reduction when a covariate was used.</summary>
    public double? VarianceReduction { get; init; }

    /// <summary>Gets whether a guardrail regressed: the whole interval lies on the bad side of zero.</summary>
    public bool Regression { get; init; }
}

/// <summary>The readout of an experiment: SRM gate, overall comparisons, per-segment breakdown and the guardrail verdict.
/// The library returns data; the CLI's <c>Output/</c> renders it as JSON, tables and Markdown.</summary>
public sealed record ExperimentReadout
{
    /// <summary>Gets the sample-ratio-mismatch check.</summary>
    public required SrmResult Srm { get; init; }

    /// <summary>Gets whether the readout can be trusted (no SRM).</summary>
    public bool Trustworthy => !Srm.IsMismatch;

    /// <summary>Gets the overall comparisons.</summary>
    public required IReadOnlyList<MetricReadout> Metrics { get; init; }

    /// <summary>Gets the per-segment comparisons.</summary>
    public required IReadOnlyList<MetricReadout> Segments { get; init; }

    /// <summary>Gets the segment comparisons that could not be made (too few units, or a test undefined on the segment's
    /// values), each with the reason; empty when every segment was compared.</summary>
    public required IReadOnlyList<SkippedComparison> SkippedSegments { get; init; }

    /// <summary>Gets whether the readout has guardrail metrics at all.</summary>
    public required bool HasGuardrails { get; init; }

    /// <summary>Gets whether no guardrail regressed overall or in any segment, or <see langword="null"/> when there are no guardrails.</summary>
    public bool? NoGuardrailRegression => HasGuardrails ? !Metrics.Concat(Segments).Any(m => m.Regression) : null;

    /// <summary>Gets the significance level used.</summary>
    public required double Alpha { get; init; }
}
