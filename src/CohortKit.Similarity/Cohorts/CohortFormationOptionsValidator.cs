using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Cohorts;

/// <summary>Validates <see cref="CohortFormationOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>)
/// and the direct path (<see cref="ThrowIfInvalid"/>); both report every failure.</summary>
internal sealed class CohortFormationOptionsValidator : IValidateOptions<CohortFormationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CohortFormationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, listing every failure.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the first invalid option's name.</exception>
    public static void ThrowIfInvalid(CohortFormationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    /// <summary>Lists every invalid option with its value and what is wrong.</summary>
    /// <param name="o">The options.</param>
    /// <returns>The failures, in declaration order; empty when the options are valid.</returns>
    public static IEnumerable<OptionFailure> Failures(CohortFormationOptions o)
    {
        if (o.MinSize < 1) { yield return new(nameof(o.MinSize), o.MinSize, "MinSize must be at least 1."); }
        if (o.MaxSize < o.MinSize) { yield return new(nameof(o.MaxSize), o.MaxSize, $"MaxSize must be ≥ MinSize ({o.MinSize})."); }
        if (o.TargetSize is { } target && (target < o.MinSize || target > o.MaxSize)) { yield return new(nameof(o.TargetSize), target, $"TargetSize must lie in [MinSize, MaxSize] = [{o.MinSize}, {o.MaxSize}]."); }
        if (o.Iterations < 1) { yield return new(nameof(o.Iterations), o.Iterations, "Iterations must be at least 1."); }
        if (o.PartSize < 2 * o.MaxSize) { yield return new(nameof(o.PartSize), o.PartSize, $"PartSize must be at least 2 × MaxSize ({2 * o.MaxSize})."); }
        if (o.MinDistinct < 1) { yield return new(nameof(o.MinDistinct), o.MinDistinct, "MinDistinct must be at least 1."); }
        if (o.MaxPerValue < 1) { yield return new(nameof(o.MaxPerValue), o.MaxPerValue, "MaxPerValue must be at least 1."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
