namespace CohortKit.Simulation.Experiments;

/// <summary>What is randomised in a simulated experiment.</summary>
public enum RandomizationUnit
{
    /// <summary>Each learner is assigned independently.</summary>
    Learner = 0,

    /// <summary>Learners are grouped into cohorts (classes) and whole cohorts are assigned; cohort members share a random engagement shift.</summary>
    Cohort = 1,
}

/// <summary>A metric the simulator can apply a true treatment effect to.</summary>
public enum SimulatedMetric
{
    /// <summary>The daily probability of being active; the effect is relative (0.05 = +5%), capped so the probability stays ≤ 1.</summary>
    Activity = 0,

    /// <summary>Minutes per session; relative effect.</summary>
    Minutes = 1,

    /// <summary>The rate of lessons completed per active day; relative effect.</summary>
    Lessons = 2,

    /// <summary>Assessment scores; the effect is additive, in points on the 0–100 scale.</summary>
    Score = 3,

    /// <summary>The daily churn-onset hazard; relative effect (−0.2 = a fifth fewer churn onsets).</summary>
    ChurnHazard = 4,
}

/// <summary>One arm of a simulated experiment.</summary>
/// <param name="Name">The arm's name, written to the <c>arm</c> column.</param>
/// <param name="Weight">Its share of units (weights are normalised).</param>
public sealed record ExperimentArm(string Name, double Weight);

/// <summary>A true effect of an arm on a metric, overall or inside one segment.</summary>
/// <param name="Arm">The treatment arm the effect belongs to.</param>
/// <param name="Metric">The metric affected.</param>
/// <param name="Effect">Relative (or, for <see cref="SimulatedMetric.Score"/>, additive) effect.</param>
/// <param name="SegmentAttribute">When set, the effect applies only to learners whose attribute has <paramref name="SegmentValue"/>, and replaces the overall effect there.</param>
/// <param name="SegmentValue">The segment's category.</param>
public sealed record TrueEffect(string Arm, SimulatedMetric Metric, double Effect, string? SegmentAttribute = null, string? SegmentValue = null);

/// <summary>An experiment to plant in the simulated platform: arms (the first is control), unit, and true effects.</summary>
/// <remarks>An A/A test is a design with two arms and no effects.</remarks>
public sealed class ExperimentDesign
{
    /// <summary>Gets or sets the arms; the first is the control.</summary>
    /// <value>The default value is control 0.5 and treatment 0.5.</value>
    public IList<ExperimentArm> Arms { get; set; } = [new("control", 0.5), new("treatment", 0.5)];

    /// <summary>Gets or sets the randomisation unit.</summary>
    /// <value>The default value is <see cref="RandomizationUnit.Learner"/>.</value>
    public RandomizationUnit Unit { get; set; } = RandomizationUnit.Learner;

    /// <summary>Gets or sets the cohort size when the unit is <see cref="RandomizationUnit.Cohort"/>.</summary>
    /// <value>The default value is 25.</value>
    public int CohortSize { get; set; } = 25;

    /// <summary>Gets or sets the standard deviation of the engagement shift (logit scale) shared by a cohort's members; it creates intra-cluster correlation.</summary>
    /// <value>The default value is 0.3.</value>
    public double CohortEngagementSd { get; set; } = 0.3;

    /// <summary>Gets or sets the true effects.</summary>
    /// <value>The default value is none (an A/A test).</value>
    public IList<TrueEffect> Effects { get; set; } = [];

    /// <summary>Creates an A/A design with the given split.</summary>
    /// <param name="controlShare">The share of the first arm, in (0, 1).</param>
    /// <returns>The design.</returns>
    public static ExperimentDesign AA(double controlShare = 0.5) => new() { Arms = [new("A1", controlShare), new("A2", 1 - controlShare)] };

    /// <summary>Returns a copy with its own lists (arms and effects are immutable records).</summary>
    internal ExperimentDesign Copy()
    {
        var copy = (ExperimentDesign)MemberwiseClone();
        copy.Arms = [.. Arms];
        copy.Effects = [.. Effects];
        return copy;
    }
}
