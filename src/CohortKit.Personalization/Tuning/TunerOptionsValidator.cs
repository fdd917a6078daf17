using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Tuning;

/// <summary>Validates <see cref="TunerOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class TunerOptionsValidator : IValidateOptions<TunerOptions>
{
    public ValidateOptionsResult Validate(string? name, TunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(TunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(TunerOptions o)
    {
        if (!Enum.IsDefined(o.Sampler)) { yield return new(nameof(o.Sampler), o.Sampler, "Sampler is not a defined TunerSampler."); }
        if (!Enum.IsDefined(o.Direction)) { yield return new(nameof(o.Direction), o.Direction, "Direction is not a defined OptimizationDirection."); }
        if (o.InitialTrials is < 0 or 1) { yield return new(nameof(o.InitialTrials), o.InitialTrials, "InitialTrials must be 0 (automatic) or at least 2."); }
        if (o.Candidates < 1) { yield return new(nameof(o.Candidates), o.Candidates, "Candidates must be at least 1."); }
        if (o.HyperparameterEvaluations < 10) { yield return new(nameof(o.HyperparameterEvaluations), o.HyperparameterEvaluations, "HyperparameterEvaluations must be at least 10."); }
    }
}
