using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Search;

/// <summary>Validates <see cref="IvfIndexOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>)
/// and the direct path (<see cref="ThrowIfInvalid"/>); both report every failure.</summary>
internal sealed class IvfIndexOptionsValidator : IValidateOptions<IvfIndexOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, IvfIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, listing every failure.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; <see cref="ArgumentException.ParamName"/> is the first invalid option's name.</exception>
    public static void ThrowIfInvalid(IvfIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    /// <summary>Lists every invalid option with its value and what is wrong.</summary>
    /// <param name="o">The options.</param>
    /// <returns>The failures, in declaration order; empty when the options are valid.</returns>
    public static IEnumerable<OptionFailure> Failures(IvfIndexOptions o)
    {
        if (o.Lists < 0) { yield return new(nameof(o.Lists), o.Lists, "Lists must be ≥ 0 (0 chooses √N)."); }
        if (o.Probes < 1) { yield return new(nameof(o.Probes), o.Probes, "Probes must be at least 1."); }
        if (o.TrainingSample < 1) { yield return new(nameof(o.TrainingSample), o.TrainingSample, "TrainingSample must be at least 1."); }
        if (o.Iterations < 1) { yield return new(nameof(o.Iterations), o.Iterations, "Iterations must be at least 1."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
