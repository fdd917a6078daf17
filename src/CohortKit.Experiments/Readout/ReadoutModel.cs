using CohortKit.Learners;

namespace CohortKit.Experiments.Readout;

/// <summary>What a metric is for in a readout.</summary>
public enum MetricRole
{
    /// <summary>The decision metric.</summary>
    Primary = 0,

    /// <summary>Supporting evidence.</summary>
    Secondary = 1,

    /// <summary>Must not regress, overall or in any segment.</summary>
    Guardrail = 2,
}

/// <summary>Which test compares the arms.</summary>
public enum TestChoice
{
    /// <summary>The two-proportion z-test for 0/1 metrics, Welch otherwise (CUPED with a covariate, cluster-robust with clusters).</summary>
    Auto = 0,

    /// <summary>Welch's t-test.</summary>
    Welch = 1,

    /// <summary>The two-proportion z-test (values must be 0 or 1).</summary>
    Proportion = 2,

    /// <summary>The Mann–Whitney U test.</summary>
    MannWhitney = 3,
}

/// <summary>One metric of an experiment, one value per unit.</summary>
/// <param name="Column">The values.</param>
/// <param name="Role">Its role.</param>
/// <param name="HigherIsBetter">Whether an increase is good (for guardrails).</param>
/// <param name="Covariate">Optional pre-period covariate for CUPED (same units, no missing values).</param>
public sealed record ExperimentMetric(MetricColumn Column, MetricRole Role = MetricRole.Primary, bool HigherIsBetter = true, MetricColumn? Covariate = null);

/// <summary>The data of an experiment: one row per unit (learner), an arm column, metrics, optional clusters and a segment column.</summary>
public sealed class ExperimentData
{
    /// <summary>Creates the data.</summary>
    /// <param name="arm">The arm of each unit.</param>
    /// <param name="controlArm">The control arm's value in <paramref name="arm"/>.</param>
    /// <param name="metrics">The metrics.</param>
    /// <exception cref="ArgumentException">The control value is absent, lengths differ, or there are fewer than two arms.</exception>
    public ExperimentData(CategoricalColumn arm, string controlArm, IReadOnlyList<ExperimentMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(arm);
        ArgumentNullException.ThrowIfNull(controlArm);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!arm.TryGetCode(controlArm, out var code))
        {
            throw new ArgumentException($"The control value '{controlArm}' is not present in column '{arm.Name}' (values: {string.Join(", ", arm.Categories)}).", nameof(controlArm));
        }

        if (arm.Categories.Count < 2)
        {
            throw new ArgumentException($"Column '{arm.Name}' has a single arm; an experiment needs at least two.", nameof(arm));
        }

        if (metrics.Count == 0)
        {
            throw new ArgumentException("At least one metric is needed.", nameof(metrics));
        }

        foreach (var m in metrics)
        {
            if (m.Column.Values.Length != arm.Count)
            {
                throw new ArgumentException($"Metric '{m.Column.Name}' has {m.Column.Values.Length} values; the arm column has {arm.Count}.", nameof(metrics));
            }

            if (m.Covariate is { } c && c.Values.Length != arm.Count)
            {
                throw new ArgumentException($"Covariate '{c.Name}' has {c.Values.Length} values; the arm column has {arm.Count}.", nameof(metrics));
            }
        }

        Arm = arm;
        ControlArm = controlArm;
        ControlCode = code;
        Metrics = metrics;
    }

    /// <summary>Gets the arm column.</summary>
    public CategoricalColumn Arm { get; }

    /// <summary>Gets the control arm's value.</summary>
    public string ControlArm { get; }

    internal int ControlCode { get; }

    /// <summary>Gets the metrics.</summary>
    public IReadOnlyList<ExperimentMetric> Metrics { get; }

    /// <summary>Gets or sets cluster ids (cohort, class) when clusters were randomised; results then use cluster-robust errors.</summary>
    public IReadOnlyList<long>? Clusters { get; init; }

    /// <summary>Gets or sets a segment column for the per-segment breakdown.</summary>
    public CategoricalColumn? Segment { get; init; }

    /// <summary>Gets or sets the designed split per arm (in the arm column's category order); equal split when null.</summary>
    public IReadOnlyList<double>? ExpectedSplit { get; init; }
}
