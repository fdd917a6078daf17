using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.Canary;

/// <summary>Validates <see cref="CanaryOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class CanaryOptionsValidator : IValidateOptions<CanaryOptions>
{
    public ValidateOptionsResult Validate(string? name, CanaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(CanaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(CanaryOptions o)
    {
        if (!(o.Alpha > 0 && o.Alpha < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.PassScore is >= 0 and <= 100)) { yield return new(nameof(o.PassScore), o.PassScore, "PassScore must be in [0, 100]."); }
        if (!(o.MarginalScore >= 0 && o.MarginalScore <= o.PassScore)) { yield return new(nameof(o.MarginalScore), o.MarginalScore, "MarginalScore must be in [0, PassScore]."); }
        if (!(o.LatencyTolerance >= 0) || double.IsInfinity(o.LatencyTolerance)) { yield return new(nameof(o.LatencyTolerance), o.LatencyTolerance, "LatencyTolerance must be finite and at least 0."); }
        if (!(o.ErrorRateTolerance is >= 0 and < 1)) { yield return new(nameof(o.ErrorRateTolerance), o.ErrorRateTolerance, "ErrorRateTolerance must be in [0, 1)."); }
        if (!(o.SequentialTuningUnitsPerArm > 1) || double.IsInfinity(o.SequentialTuningUnitsPerArm)) { yield return new(nameof(o.SequentialTuningUnitsPerArm), o.SequentialTuningUnitsPerArm, "SequentialTuningUnitsPerArm must be finite and exceed 1."); }
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in o.Guardrails)
        {
            if (g is null || string.IsNullOrWhiteSpace(g.Name)) { yield return new(nameof(o.Guardrails), g?.Name, "Every guardrail needs a name."); continue; }
            if (!names.Add(g.Name)) { yield return new(nameof(o.Guardrails), g.Name, $"Guardrail '{g.Name}' is listed twice."); }
            if (!(g.Tolerance >= 0) || double.IsInfinity(g.Tolerance)) { yield return new(nameof(o.Guardrails), g.Tolerance, $"Guardrail '{g.Name}' Tolerance must be finite and at least 0."); }
        }
    }
}
