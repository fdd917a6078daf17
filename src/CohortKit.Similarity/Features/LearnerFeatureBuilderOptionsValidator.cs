using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Features;

/// <summary>Validates <see cref="LearnerFeatureBuilderOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>)
/// and the direct path (<see cref="ThrowIfInvalid"/>); both report every failure.</summary>
internal sealed class LearnerFeatureBuilderOptionsValidator : IValidateOptions<LearnerFeatureBuilderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LearnerFeatureBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, listing every failure.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the first invalid option's name.</exception>
    public static void ThrowIfInvalid(LearnerFeatureBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    /// <summary>Lists every invalid option with its value and what is wrong.</summary>
    /// <param name="o">The options.</param>
    /// <returns>The failures, in declaration order; empty when the options are valid.</returns>
    public static IEnumerable<OptionFailure> Failures(LearnerFeatureBuilderOptions o)
    {
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
        if (o.Weights is not { } w)
        {
            yield return new(nameof(o.Weights), null, "Weights must not be null.");
            yield break;
        }

        foreach (var (name, weight) in new[]
        {
            (nameof(w.TimeOfDay), w.TimeOfDay), (nameof(w.DayOfWeek), w.DayOfWeek), (nameof(w.Trajectory), w.Trajectory),
            (nameof(w.Engagement), w.Engagement), (nameof(w.Profile), w.Profile),
        })
        {
            if (!(weight >= 0 && double.IsFinite(weight))) { yield return new($"{nameof(o.Weights)}.{name}", weight, $"The weight of {name} must be finite and ≥ 0."); }
        }
    }
}
