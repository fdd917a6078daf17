using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Simulation.Experiments;

namespace CohortKit.Simulation;

/// <summary>A generated platform: learners, their activity, and the ground truth behind both.</summary>
/// <param name="Learners">The learners and their attributes (plus <c>arm</c>, and <c>cohort</c> for cohort-randomised experiments).</param>
/// <param name="Activity">Their events; rows match <paramref name="Learners"/>.</param>
/// <param name="Truth">What generated the data.</param>
/// <param name="StartDate">The first simulated day.</param>
/// <param name="Days">The number of simulated days.</param>
public sealed record SimulatedPlatform(LearnerAttributes Learners, ActivityLog Activity, SimulationGroundTruth Truth, DateOnly StartDate, int Days);

/// <summary>The ground truth of a simulated platform, for checking estimators against. Arrays are indexed by learner row.</summary>
/// <remarks>Immutable after generation; safe to read from many threads.</remarks>
public sealed class SimulationGroundTruth
{
    private readonly double[][] _effects;
    private readonly float[] _skills;

    internal SimulationGroundTruth(int[] persona, float[] skills, int skillDimensions, float[] baseEngagement, int[] signupDay, int[] churnOnsetDay, int[] churnDay,
        float[] churnMultiplier, int[] arm, int[] cohort, IReadOnlyList<string> arms, double[][] effects, IReadOnlyList<TrueEffect> trueEffects)
    {
        Persona = persona;
        _skills = skills;
        SkillDimensions = skillDimensions;
        BaseEngagement = baseEngagement;
        SignupDay = signupDay;
        ChurnOnsetDay = churnOnsetDay;
        ChurnDay = churnDay;
        ChurnHazardMultiplier = churnMultiplier;
        Arm = arm;
        Cohort = cohort;
        ArmNames = arms;
        _effects = effects;
        Effects = trueEffects;
    }

    /// <summary>Gets each learner's planted group (persona), in [0, Personas): the true segment membership that similarity and clustering should recover.</summary>
    public IReadOnlyList<int> Persona { get; }

    /// <summary>Gets the latent skill vectors, row-major: learner row <c>i</c> is
    /// <c>[i × SkillDimensions, (i + 1) × SkillDimensions)</c>. A read-only view.</summary>
    public ReadOnlyMemory<float> LatentSkills => _skills;

    /// <summary>Gets the dimension of each latent skill vector (<see cref="SimulationOptions.SkillDimensions"/>).</summary>
    public int SkillDimensions { get; }

    /// <summary>Gets one learner's latent skill vector.</summary>
    /// <param name="learnerRow">The learner's row.</param>
    /// <returns>A read-only span of length <see cref="SkillDimensions"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The row is out of range.</exception>
    public ReadOnlySpan<float> LatentSkillsOf(int learnerRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(learnerRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(learnerRow, _skills.Length / Math.Max(1, SkillDimensions));
        return _skills.AsSpan(learnerRow * SkillDimensions, SkillDimensions);
    }

    /// <summary>Gets each learner's daily active probability at the start of their tenure, before any treatment effect.</summary>
    public IReadOnlyList<float> BaseEngagement { get; }

    /// <summary>Gets each learner's signup day relative to the start date (negative: signed up before the window).</summary>
    public IReadOnlyList<int> SignupDay { get; }

    /// <summary>Gets the day churn began (the disengagement phase started), or −1 when it did not begin inside the window.</summary>
    public IReadOnlyList<int> ChurnOnsetDay { get; }

    /// <summary>Gets the first day with no activity ever again, or −1 when churn did not begin in the window. It may be ≥ the window length (churn after the window).</summary>
    public IReadOnlyList<int> ChurnDay { get; }

    /// <summary>Gets each learner's churn-hazard multiplier from attributes and treatment (<see cref="Model.PlatformModel.ChurnHazardMultiplier"/> × (1 + hazard effect)).</summary>
    public IReadOnlyList<float> ChurnHazardMultiplier { get; }

    /// <summary>Gets each learner's arm index into <see cref="ArmNames"/>, or −1 when no experiment ran.</summary>
    public IReadOnlyList<int> Arm { get; }

    /// <summary>Gets each learner's cohort (class) for cohort-randomised experiments, or −1.</summary>
    public IReadOnlyList<int> Cohort { get; }

    /// <summary>Gets the arm names; index 0 is control. Empty when no experiment ran.</summary>
    public IReadOnlyList<string> ArmNames { get; }

    /// <summary>Gets the configured true effects.</summary>
    public IReadOnlyList<TrueEffect> Effects { get; }

    /// <summary>Gets the true effect that applied to one learner on one metric (0 for control and for learners outside the experiment).</summary>
    /// <param name="learnerRow">The learner's row.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The relative (or, for <see cref="SimulatedMetric.Score"/>, additive) effect.</returns>
    public double EffectFor(int learnerRow, SimulatedMetric metric) => _effects[(int)metric][learnerRow];
}
