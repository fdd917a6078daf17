using CohortKit.Hosting;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Model;
using Microsoft.Extensions.Options;

namespace CohortKit.Simulation;

/// <summary>Validates <see cref="SimulationOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>)
/// and the direct path (<see cref="ThrowIfInvalid"/>, which throws <see cref="ArgumentOutOfRangeException"/> naming the option).</summary>
internal sealed class SimulationOptionsValidator : IValidateOptions<SimulationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, listing every failure.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the
    /// first invalid option's name and the message lists every invalid option.</exception>
    public static void ThrowIfInvalid(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    private static IEnumerable<OptionFailure> Failures(SimulationOptions o)
    {
        if (o.Learners <= 0) { yield return new(nameof(o.Learners), o.Learners, "Learners must be positive."); }
        if (o.Days is <= 0 or > 3650) { yield return new(nameof(o.Days), o.Days, "Days must be in [1, 3650]."); }
        foreach (var (name, value) in new[]
        {
            (nameof(o.NewLearnerShare), o.NewLearnerShare), (nameof(o.BaseDailyChurnHazard), o.BaseDailyChurnHazard),
            (nameof(o.AssessmentRate), o.AssessmentRate),
        })
        {
            if (!(value is >= 0 and <= 1)) { yield return new(name, value, $"{name} is a rate and must be in [0, 1]."); }
        }

        if (!(o.MeanEngagement is > 0 and < 1)) { yield return new(nameof(o.MeanEngagement), o.MeanEngagement, "MeanEngagement is a probability and must be in (0, 1)."); }
        if (!(o.EngagementDecayPerDay is >= 0 and <= 1)) { yield return new(nameof(o.EngagementDecayPerDay), o.EngagementDecayPerDay, "EngagementDecayPerDay must be in [0, 1]."); }
        if (!(o.EngagementVolatility is >= 0 and <= 5)) { yield return new(nameof(o.EngagementVolatility), o.EngagementVolatility, "EngagementVolatility must be in [0, 5]."); }
        if (!(o.ChurnEngagementSensitivity is >= 0 and <= 20)) { yield return new(nameof(o.ChurnEngagementSensitivity), o.ChurnEngagementSensitivity, "ChurnEngagementSensitivity must be in [0, 20]."); }
        if (o.ChurnLeadDaysMin < 1) { yield return new(nameof(o.ChurnLeadDaysMin), o.ChurnLeadDaysMin, "ChurnLeadDaysMin must be at least 1."); }
        if (o.ChurnLeadDaysMax < o.ChurnLeadDaysMin) { yield return new(nameof(o.ChurnLeadDaysMax), o.ChurnLeadDaysMax, $"ChurnLeadDaysMax must be ≥ ChurnLeadDaysMin ({o.ChurnLeadDaysMin})."); }
        if (o.Personas is < 1 or > 64) { yield return new(nameof(o.Personas), o.Personas, "Personas must be in [1, 64]."); }
        if (o.SkillDimensions is < 1 or > 256) { yield return new(nameof(o.SkillDimensions), o.SkillDimensions, "SkillDimensions must be in [1, 256]."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
        if (o.Experiment is { } e)
        {
            foreach (var failure in ExperimentFailures(e))
            {
                yield return failure;
            }
        }
    }

    private static IEnumerable<OptionFailure> ExperimentFailures(ExperimentDesign e)
    {
        const string prefix = nameof(SimulationOptions.Experiment) + ".";
        if (e.Arms is null || e.Arms.Count < 2) { yield return new(prefix + nameof(e.Arms), e.Arms?.Count, "An experiment needs at least two arms."); yield break; }
        foreach (var arm in e.Arms)
        {
            if (string.IsNullOrWhiteSpace(arm.Name)) { yield return new(prefix + nameof(e.Arms), arm.Name, "Arm names must not be empty."); }
            if (!(arm.Weight > 0 && double.IsFinite(arm.Weight))) { yield return new(prefix + nameof(e.Arms), arm.Weight, $"Arm '{arm.Name}' must have a positive weight."); }
        }

        if (e.Arms.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != e.Arms.Count) { yield return new(prefix + nameof(e.Arms), null, "Arm names must be distinct."); }
        if (e.CohortSize < 1) { yield return new(prefix + nameof(e.CohortSize), e.CohortSize, "CohortSize must be at least 1."); }
        if (!(e.CohortEngagementSd is >= 0 and <= 5)) { yield return new(prefix + nameof(e.CohortEngagementSd), e.CohortEngagementSd, "CohortEngagementSd must be in [0, 5]."); }
        foreach (var effect in e.Effects ?? [])
        {
            if (!e.Arms.Skip(1).Any(a => a.Name == effect.Arm)) { yield return new(prefix + nameof(e.Effects), effect.Arm, $"Effect arm '{effect.Arm}' is not a treatment arm."); }
            if (!double.IsFinite(effect.Effect) || (effect.Metric != SimulatedMetric.Score && effect.Effect <= -1))
            {
                yield return new(prefix + nameof(e.Effects), effect.Effect, $"Effect {effect.Effect} on {effect.Metric} must be finite and, when relative, greater than −1.");
            }

            if ((effect.SegmentAttribute is null) != (effect.SegmentValue is null)) { yield return new(prefix + nameof(e.Effects), effect.SegmentAttribute, "SegmentAttribute and SegmentValue go together."); }
            if (effect.SegmentAttribute is { } attr)
            {
                if (!PlatformModel.AttributeNames.Contains(attr))
                {
                    yield return new(prefix + nameof(e.Effects), attr, $"Unknown segment attribute '{attr}'; use one of {string.Join(", ", PlatformModel.AttributeNames)}.");
                }
                else if (!PlatformModel.CategoriesOf(attr).Contains(effect.SegmentValue))
                {
                    yield return new(prefix + nameof(e.Effects), effect.SegmentValue, $"'{effect.SegmentValue}' is not a category of '{attr}'; use one of {string.Join(", ", PlatformModel.CategoriesOf(attr))}.");
                }
            }
        }
    }
}
