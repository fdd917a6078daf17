using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation;

/// <summary>Validates <see cref="SegmentationOptions"/> for DI (<see cref="IValidateOptions{TOptions}"/>) and for the
/// constructor (<see cref="ThrowIfInvalid"/>), both listing every failure.</summary>
internal sealed class SegmentationOptionsValidator : IValidateOptions<SegmentationOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(SegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(SegmentationOptions o)
    {
        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.Threshold >= 0 && double.IsFinite(o.Threshold))) { yield return new(nameof(o.Threshold), o.Threshold, "Threshold must be finite and at least 0."); }
        if (o.MinimumSegmentSize < 2) { yield return new(nameof(o.MinimumSegmentSize), o.MinimumSegmentSize, "MinimumSegmentSize must be at least 2 (a mean's interval needs two learners)."); }
        if (!double.IsFinite(o.MinimumLift)) { yield return new(nameof(o.MinimumLift), o.MinimumLift, "MinimumLift must be finite."); }
        if (!(o.Power > o.Alpha && o.Power < 1)) { yield return new(nameof(o.Power), o.Power, "Power must be in (Alpha, 1)."); }
        if (!Enum.IsDefined(o.Test)) { yield return new(nameof(o.Test), o.Test, "Test is not a defined value."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
