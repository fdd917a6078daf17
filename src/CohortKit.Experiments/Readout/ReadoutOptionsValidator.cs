using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Readout;

/// <summary>Validates <see cref="ReadoutOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>,
/// reporting every failure) and the direct path (<see cref="ThrowIfInvalid"/>, which throws for the first one, naming the option).</summary>
internal sealed class ReadoutOptionsValidator : IValidateOptions<ReadoutOptions>
{
    public ValidateOptionsResult Validate(string? name, ReadoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Failures(options).Select(f => $"{f.Option}: {f.Message}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(ReadoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (option, value, message) in Failures(options))
        {
            throw new ArgumentOutOfRangeException(option, value, message);
        }
    }

    public static IEnumerable<(string Option, object? Value, string Message)> Failures(ReadoutOptions o)
    {
        if (!(o.Alpha is > 0 and < 1)) { yield return (nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.SrmThreshold is > 0 and < 1)) { yield return (nameof(o.SrmThreshold), o.SrmThreshold, "SrmThreshold must be in (0, 1)."); }
        if (o.MaxSegments < 1) { yield return (nameof(o.MaxSegments), o.MaxSegments, "MaxSegments must be at least 1."); }
        if (!Enum.IsDefined(o.Correction)) { yield return (nameof(o.Correction), o.Correction, "Correction is not a defined value."); }
        if (!Enum.IsDefined(o.Test)) { yield return (nameof(o.Test), o.Test, "Test is not a defined value."); }
    }
}
