namespace CohortKit.Experiments.AaValidation;

/// <summary>How the re-randomised splits of an A/A run were analysed.</summary>
public enum AaAnalysis
{
    /// <summary>Welch's t-test on the units, as a readout that ignores clusters would.</summary>
    UnitLevel = 0,

    /// <summary>Cluster-robust (CR1) errors with a t distribution on G − 1 degrees of freedom.</summary>
    ClusterRobust = 1,
}

/// <summary>The outcome of re-randomised A/A tests of one metric, overall or in one segment.</summary>
public sealed record AaMetricResult
{
    /// <summary>Gets how the splits were analysed.</summary>
    public AaAnalysis Analysis { get; init; } = AaAnalysis.UnitLevel;

    /// <summary>Gets the number of clusters re-randomised, or <see langword="null"/> when units were re-randomised one by one.</summary>
    public int? Clusters { get; init; }

    /// <summary>Gets the metric name.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the segment value, or <see langword="null"/> for the whole population.</summary>
    public string? Segment { get; init; }

    /// <summary>Gets the number of units.</summary>
    public required int Units { get; init; }

    /// <summary>Gets the number of re-randomisations that produced a test (both arms with ≥ 2 units and some variance).</summary>
    public required int Iterations { get; init; }

    /// <summary>Gets how many of them rejected at <see cref="AaValidationOptions.Alpha"/>.</summary>
    public required int FalsePositives { get; init; }

    /// <summary>Gets the empirical false-positive rate; it should be close to alpha.</summary>
    public required double FalsePositiveRate { get; init; }

    /// <summary>Gets the Clopper–Pearson interval of the false-positive rate at <see cref="AaValidationOptions.ConfidenceLevel"/>.</summary>
    public required CohortKit.Statistics.ConfidenceInterval FalsePositiveRateInterval { get; init; }

    /// <summary>Gets the Kolmogorov–Smirnov statistic of the p-values against the uniform distribution.</summary>
    public required double KsStatistic { get; init; }

    /// <summary>Gets the KS p-value: small means the A/A p-values are not uniform (the test is miscalibrated for this metric).</summary>
    public required double KsPValue { get; init; }

    /// <summary>Gets the smallest relative change in the mean that a Welch test with this population and split detects
    /// with the configured power and alpha, or <see langword="null"/> when the mean is 0 — or so close to 0 that a relative
    /// change means nothing: |mean| at most 1e-9 standard deviations, as for a centred metric whose mean is 0 up to rounding.</summary>
    public double? MinimumDetectableRelativeEffect { get; init; }

    /// <summary>Gets whether the metric looks calibrated: alpha lies inside the 99.9% Clopper–Pearson interval of the
    /// false-positive rate and the KS p-value is at least 0.001 (strict bounds, so that a report of many metrics and
    /// segments does not cry wolf; the reported interval uses <see cref="AaValidationOptions.ConfidenceLevel"/>).</summary>
    public required bool IsCalibrated { get; init; }

    /// <summary>Gets the nominal alpha.</summary>
    public required double Alpha { get; init; }
}

/// <summary>The report of <see cref="AaTestValidator.Rerandomize"/>.</summary>
/// <param name="Metrics">One result per metric for the whole population.</param>
/// <param name="Segments">One result per (segment value, metric), when a segment column was given.</param>
/// <param name="Options">The settings used.</param>
public sealed record AaValidationReport(IReadOnlyList<AaMetricResult> Metrics, IReadOnlyList<AaMetricResult> Segments, AaValidationOptions Options);
