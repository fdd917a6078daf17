using CohortKit.Events;
using CohortKit.Features;
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

    internal SimulationGroundTruth(int[] persona, FeatureMatrix skills, float[] baseEngagement, int[] signupDay, int[] churnOnsetDay, int[] churnDay,
        float[] churnMultiplier, int[] arm, int[] cohort, IReadOnlyList<string> arms, double[][] effects, IReadOnlyList<TrueEffect> trueEffects)
    {
        Persona = persona;
        LatentSkills = skills;
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

    /// <summary>Gets the latent skill vectors (one row per learner, <see cref="SimulationOptions.SkillDimensions"/> columns).</summary>
    public FeatureMatrix LatentSkills { get; }

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
