using CohortKit.Statistics;

namespace CohortKit.Experiments.Effects;

/// <summary>The test behind a <see cref="TwoSampleResult"/>.</summary>
public enum TwoSampleTest
{
    /// <summary>Welch's unequal-variance t-test.</summary>
    Welch = 0,

    /// <summary>The two-proportion z-test.</summary>
    Proportion = 1,

    /// <summary>The Mann–Whitney U test (p-value); the effect and interval are Welch's for the difference in means.</summary>
    MannWhitney = 2,

    /// <summary>Welch on CUPED-adjusted values.</summary>
    Cuped = 3,

    /// <summary>Cluster-robust (CR1) errors with t on G − 1 degrees of freedom.</summary>
    Cluster = 4,

    /// <summary>The delta-method z-test of a ratio metric.</summary>
    Ratio = 5,
}

/// <summary>The comparison of a treatment arm with control on one metric: effect = treatment − control.</summary>
/// <remarks>Relative fields are <see langword="null"/> when the control mean is 0 (a relative change is undefined).
/// Confidence intervals are two-sided at level 1 − <see cref="Alpha"/>. Readouts extend it (<see cref="Readout.MetricReadout"/>).</remarks>
public record TwoSampleResult
{
    /// <summary>Gets the test that produced the p-value.</summary>
    public required TwoSampleTest Test { get; init; }

    /// <summary>Gets the control arm's number of units.</summary>
    public required long ControlN { get; init; }

    /// <summary>Gets the treatment arm's number of units.</summary>
    public required long TreatmentN { get; init; }

    /// <summary>Gets the control arm's mean (or rate).</summary>
    public required double ControlMean { get; init; }

    /// <summary>Gets the treatment arm's mean (or rate).</summary>
    public required double TreatmentMean { get; init; }

    /// <summary>Gets treatment − control.</summary>
    public required double AbsoluteEffect { get; init; }

    /// <summary>Gets the standard error of the absolute effect.</summary>
    public required double StandardError { get; init; }

    /// <summary>Gets the confidence interval of the absolute effect at level 1 − <see cref="Alpha"/>.</summary>
    public required ConfidenceInterval Interval { get; init; }

    /// <summary>Gets treatment / control − 1, or <see langword="null"/> when the control mean is 0.</summary>
    public double? RelativeEffect { get; init; }

    /// <summary>Gets the delta-method confidence interval of the relative effect (same critical value as <see cref="Interval"/>),
    /// or <see langword="null"/> when the control mean is 0.</summary>
    public ConfidenceInterval? RelativeInterval { get; init; }

    /// <summary>Gets the two-sided p-value.</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the test statistic (t, z or U).</summary>
    public required double Statistic { get; init; }

    /// <summary>Gets the degrees of freedom for t-based results, otherwise <see langword="null"/>.</summary>
    public double? DegreesOfFreedom { get; init; }

    /// <summary>Gets the significance level the intervals use.</summary>
    public required double Alpha { get; init; }

    /// <summary>Assembles a result: the absolute interval is effect ± critical × se.</summary>
    internal static TwoSampleResult Create(TwoSampleTest test, long controlN, long treatmentN, double controlMean, double treatmentMean, double standardError,
        double critical, RelativeEstimate? relative, double pValue, double statistic, double? degreesOfFreedom, double alpha)
    {
        var diff = treatmentMean - controlMean;
        var half = critical * standardError;
        return new TwoSampleResult
        {
            Test = test,
            ControlN = controlN,
            TreatmentN = treatmentN,
            ControlMean = controlMean,
            TreatmentMean = treatmentMean,
            AbsoluteEffect = diff,
            StandardError = standardError,
            Interval = new ConfidenceInterval(diff - half, diff + half, 1 - alpha),
            RelativeEffect = relative?.Effect,
            RelativeInterval = relative?.Interval,
            PValue = pValue,
            Statistic = statistic,
            DegreesOfFreedom = degreesOfFreedom,
            Alpha = alpha,
        };
    }
}
