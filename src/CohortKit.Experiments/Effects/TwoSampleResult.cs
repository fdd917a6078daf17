namespace CohortKit.Experiments.Effects;

/// <summary>The comparison of a treatment arm with control on one metric: effect = treatment − control.</summary>
/// <remarks>Relative fields are <see langword="null"/> when the control mean is 0 (a relative change is undefined).
/// Confidence intervals are two-sided at level 1 − <see cref="Alpha"/>. Readouts extend it (<see cref="Readout.MetricReadout"/>).</remarks>
public record TwoSampleResult
{
    /// <summary>Gets the test that produced the p-value: <c>welch</c>, <c>proportion</c>, <c>mannwhitney</c>, <c>cuped</c>, <c>cluster</c>, <c>ratio</c>.</summary>
    public required string Test { get; init; }

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

    /// <summary>Gets the lower confidence bound of the absolute effect.</summary>
    public required double CiLow { get; init; }

    /// <summary>Gets the upper confidence bound of the absolute effect.</summary>
    public required double CiHigh { get; init; }

    /// <summary>Gets treatment / control − 1, or <see langword="null"/> when the control mean is 0.</summary>
    public double? RelativeEffect { get; init; }

    /// <summary>Gets the lower delta-method confidence bound of the relative effect.</summary>
    public double? RelativeCiLow { get; init; }

    /// <summary>Gets the upper delta-method confidence bound of the relative effect.</summary>
    public double? RelativeCiHigh { get; init; }

    /// <summary>Gets the two-sided p-value.</summary>
    public required double PValue { get; init; }

    /// <summary>Gets the test statistic (t, z or U).</summary>
    public required double Statistic { get; init; }

    /// <summary>Gets the degrees of freedom for t-based results, otherwise <see langword="null"/>.</summary>
    public double? DegreesOfFreedom { get; init; }

    /// <summary>Gets the significance level the intervals use.</summary>
    public required double Alpha { get; init; }

    /// <summary>Assembles a result: the absolute interval is effect ± critical × se.</summary>
    internal static TwoSampleResult Create(string test, long controlN, long treatmentN, double controlMean, double treatmentMean, double standardError,
        double critical, (double? Effect, double? Low, double? High) relative, double pValue, double statistic, double? degreesOfFreedom, double alpha)
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
            CiLow = diff - half,
            CiHigh = diff + half,
            RelativeEffect = relative.Effect,
            RelativeCiLow = relative.Low,
            RelativeCiHigh = relative.High,
            PValue = pValue,
            Statistic = statistic,
            DegreesOfFreedom = degreesOfFreedom,
            Alpha = alpha,
        };
    }
}
