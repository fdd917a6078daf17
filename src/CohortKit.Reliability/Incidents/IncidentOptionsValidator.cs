using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Incidents;

/// <summary>Validates <see cref="IncidentOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class IncidentOptionsValidator : IValidateOptions<IncidentOptions>
{
    public ValidateOptionsResult Validate(string? name, IncidentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(IncidentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(IncidentOptions o)
    {
        if (o.AcknowledgementDeadline <= TimeSpan.Zero) { yield return new(nameof(o.AcknowledgementDeadline), o.AcknowledgementDeadline, "AcknowledgementDeadline must be positive."); }
        if (o.MaxEscalations is < 0 or > IncidentOptions.MaxEscalationsLimit)
        {
            yield return new(nameof(o.MaxEscalations), o.MaxEscalations, $"MaxEscalations must be between 0 and {IncidentOptions.MaxEscalationsLimit} (each escalation is a timeline entry).");
        }
    }
}
