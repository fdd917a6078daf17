using CohortKit.Hosting;
using CohortKit.Similarity.Kernels;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Search;

/// <summary>Validates <see cref="FlatIndexOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>)
/// and the direct path (<see cref="ThrowIfInvalid"/>); both report every failure.</summary>
internal sealed class FlatIndexOptionsValidator : IValidateOptions<FlatIndexOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FlatIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, listing every failure.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the first invalid option's name.</exception>
    public static void ThrowIfInvalid(FlatIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    /// <summary>Lists every invalid option with its value and what is wrong.</summary>
    /// <param name="o">The options.</param>
    /// <returns>The failures, in declaration order; empty when the options are valid.</returns>
    public static IEnumerable<OptionFailure> Failures(FlatIndexOptions o)
    {
        if (o.Dimensions < 0) { yield return new(nameof(o.Dimensions), o.Dimensions, "Dimensions must be ≥ 0 (0 takes it from the first learner added)."); }
        if (!Enum.IsDefined(o.Metric)) { yield return new(nameof(o.Metric), o.Metric, "Metric must be Cosine, Dot or Euclidean."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
