using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace CohortKit.Personalization;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of CohortKit.Personalization, both named
/// <c>CohortKit.Personalization</c>.</summary>
/// <remarks>Instruments and logs carry counts and rates only, never event ids, learner identifiers, contexts or rewards of one learner.</remarks>
public static class PersonalizationTelemetry
{
    /// <summary>The name of the meter and activity source.</summary>
    public const string Name = "CohortKit.Personalization";

    /// <summary>Gets the activity source (off-policy evaluations, tuner suggestions, A/B validations).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    internal static Counter<long> Decisions { get; } = Meter.CreateCounter<long>("cohortkit.personalization.decisions", "{decision}", "Rank calls answered.");

    internal static Counter<long> Rewards { get; } = Meter.CreateCounter<long>("cohortkit.personalization.rewards", "{reward}", "Rewards applied to the model.");

    internal static Counter<long> RewardsRefused { get; } = Meter.CreateCounter<long>("cohortkit.personalization.rewards_refused", "{reward}", "Rewards refused (unknown or expired event, non-finite value).");

    internal static Counter<long> DefaultRewards { get; } = Meter.CreateCounter<long>("cohortkit.personalization.default_rewards", "{reward}", "Default rewards applied to events whose reward did not arrive in time.");

    internal static Counter<long> Evaluations { get; } = Meter.CreateCounter<long>("cohortkit.personalization.evaluations", "{evaluation}", "Off-policy evaluations run.");

    internal static Counter<long> Trials { get; } = Meter.CreateCounter<long>("cohortkit.personalization.trials", "{trial}", "Tuner trials told.");
}

/// <summary>The package's log messages (counts and rates only).</summary>
internal static partial class PersonalizationLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Off-policy evaluation of {Rows} rows over {Actions} actions: effective sample size {Ess:F1}.")]
    public static partial void Evaluated(ILogger logger, int rows, int actions, double ess);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Apprentice mode ended after {Events} events: agreement {Agreement:P1} reached the threshold {Threshold:P1}.")]
    public static partial void ApprenticeGraduated(ILogger logger, long events, double agreement, double threshold);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Applied the default reward to {Count} events whose reward did not arrive in time.")]
    public static partial void DefaultRewardsApplied(ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Refused a reward: {Reason}.")]
    public static partial void RewardRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Tuner fitted its surrogate on {Observations} observations (log marginal likelihood {LogLikelihood:F3}).")]
    public static partial void SurrogateFitted(ILogger logger, int observations, double logLikelihood);
}
