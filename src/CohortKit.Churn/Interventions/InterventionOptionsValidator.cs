using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Interventions;

/// <summary>Validates <see cref="InterventionOptions"/> for DI and for the orchestrator's constructor.</summary>
internal sealed class InterventionOptionsValidator : IValidateOptions<InterventionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InterventionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <summary>Throws when any option is invalid, naming the first.</summary>
    /// <param name="options">The options.</param>
    public static void ThrowIfInvalid(InterventionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    private static IEnumerable<OptionFailure> Failures(InterventionOptions o)
    {
        if (!Enum.IsDefined(o.Targeting)) { yield return new(nameof(o.Targeting), o.Targeting, "Targeting must be Risk or Uplift."); }
        if (!double.IsFinite(o.MinimumUplift) || Math.Abs(o.MinimumUplift) > 1) { yield return new(nameof(o.MinimumUplift), o.MinimumUplift, "MinimumUplift is a difference of probabilities and must be in [-1, 1]."); }
        if (o.RetryWindowDays is < 0 or > 365) { yield return new(nameof(o.RetryWindowDays), o.RetryWindowDays, "RetryWindowDays must be in [0, 365]."); }
        if (string.IsNullOrWhiteSpace(o.PlaybookPath)) { yield return new(nameof(o.PlaybookPath), o.PlaybookPath, "PlaybookPath must name a file."); }
        if (string.IsNullOrWhiteSpace(o.ConnectionString)) { yield return new(nameof(o.ConnectionString), o.ConnectionString, "ConnectionString must not be empty."); }
    }
}
