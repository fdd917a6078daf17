using System.Globalization;
using CohortKit.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Scheduling;

/// <summary>
/// Chooses, per current cohort, how often to re-form it — weekly, monthly or quarterly — by simulation: each learner's
/// features drift as a random walk at the weekly rate measured in the history (per cohort), the population is re-formed at
/// each cadence through an <see cref="ICohortReformer"/>, and each cadence is scored for the cohort's members by their mean
/// similarity to their cohort-mates minus <see cref="ReassignmentOptions.MoveCost"/> per move. A more frequent cadence is
/// chosen only when it beats the less frequent one by more than <see cref="ReassignmentOptions.MinimumGain"/> and by
/// <see cref="ReassignmentOptions.Margin"/> standard errors.
/// </summary>
/// <remarks>Thread-safe if the reformer is. Every cadence starts from a re-formation now (week 0), so the schedule answers
/// "how often from now on", not "whether the current cohorts are good". Runs (horizon + 1) × simulations formations.</remarks>
public sealed partial class ReassignmentScheduler
{
    private static readonly ReformationCadence[] Cadences = [ReformationCadence.Weekly, ReformationCadence.Monthly, ReformationCadence.Quarterly];
    private readonly ReassignmentOptions _options;
    private readonly ICohortReformer _reformer;
    private readonly ILogger _logger;

    /// <summary>Creates a scheduler (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="reformer">The cohort former to simulate with (CohortKit.Reassignment adapts Similarity's).</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public ReassignmentScheduler(ReassignmentOptions options, ICohortReformer reformer, ILogger<ReassignmentScheduler>? logger = null)
    {
        ReassignmentOptionsValidator.ThrowIfInvalid(options);
        ArgumentNullException.ThrowIfNull(reformer);
        _options = options.Snapshot();
        _reformer = reformer;
        _logger = logger ?? NullLogger<ReassignmentScheduler>.Instance;
    }

    /// <summary>Creates a scheduler from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="reformer">The cohort former.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public ReassignmentScheduler(IOptions<ReassignmentOptions> options, ICohortReformer reformer, ILogger<ReassignmentScheduler>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), reformer, logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public ReassignmentOptions Options => _options.Snapshot();

    /// <summary>Chooses a cadence for every current cohort.</summary>
    /// <param name="history">The learners' features in consecutive weeks, oldest first (at least two), the same rows and
    /// dimensions in each; the last is now.</param>
    /// <param name="cohortOf">Each row's current cohort id (≥ 0).</param>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Cancels the simulation.</param>
    /// <returns>One entry per current cohort id that has members, ascending.</returns>
    /// <exception cref="ArgumentException">Fewer than two weeks, snapshots of different shapes, a non-finite feature, or a
    /// cohort id that is negative or for another number of rows.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public ReassignmentSchedule Schedule(IReadOnlyList<FeatureMatrix> history, IReadOnlyList<int> cohortOf, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(cohortOf);
        var drift = DriftEstimate.Measure(history, cohortOf);
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("ReassignmentScheduler.Schedule");
        var o = _options;
        var cohorts = drift.Cohorts;
        // value[cadence][cohort][simulation]
        var value = Cadences.Select(_ => cohorts.Select(_ => new double[o.Simulations]).ToArray()).ToArray();
        var similarity = Cadences.Select(_ => new double[cohorts.Length]).ToArray();
        var moves = Cadences.Select(_ => new double[cohorts.Length]).ToArray();
        for (var s = 0; s < o.Simulations; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var future = DriftEstimate.Simulate(history[^1], drift, o.HorizonWeeks, new Random(unchecked((int)(o.Seed * 1_000_003 + s))));
            var simulated = new FutureRun(_reformer, future, cohortOf, cohorts).Run(Cadences, o.HorizonWeeks, cancellationToken);
            for (var c = 0; c < Cadences.Length; c++)
            {
                for (var k = 0; k < cohorts.Length; k++)
                {
                    var (sim, mv) = simulated[c][k];
                    value[c][k][s] = sim - o.MoveCost * mv;
                    similarity[c][k] += sim / o.Simulations;
                    moves[c][k] += mv / o.Simulations;
                }
            }

            progress?.Report((s + 1.0) / o.Simulations);
        }

        var result = new CohortCadence[cohorts.Length];
        for (var k = 0; k < cohorts.Length; k++)
        {
            var estimates = Cadences.Select((cadence, c) => new CadenceEstimate
            {
                Cadence = cadence,
                MeanSimilarity = similarity[c][k],
                MovesPerMemberWeek = moves[c][k],
                Value = value[c][k].Average(),
                StandardError = StandardError(value[c][k]),
            }).ToArray();
            result[k] = Choose(cohorts[k], drift.Sizes[k], drift.PerWeek[k], estimates, value.Select(v => v[k]).ToArray());
        }

        LogScheduled(_logger, cohorts.Length, o.Simulations);
        return new ReassignmentSchedule { HorizonWeeks = o.HorizonWeeks, Simulations = o.Simulations, Cohorts = result };
    }

    // From the least frequent cadence, step to a more frequent one only when its paired gain exceeds Margin standard errors.
    private CohortCadence Choose(int cohort, int size, double driftPerWeek, CadenceEstimate[] estimates, double[][] values)
    {
        var best = Cadences.Length - 1;
        string? why = null;
        for (var c = Cadences.Length - 2; c >= 0; c--)
        {
            var diff = values[c].Zip(values[best], (a, b) => a - b).ToArray();
            var gain = diff.Average();
            var se = StandardError(diff);
            if (gain > _options.MinimumGain && gain > _options.Margin * se)
            {
                why = string.Create(CultureInfo.InvariantCulture,
                    $"{Name(Cadences[c])} gains {gain:F4} ± {se:F4} a member-week over {Name(Cadences[best])} (similarity {estimates[c].MeanSimilarity:F3} vs {estimates[best].MeanSimilarity:F3}, moves {estimates[c].MovesPerMemberWeek:F3} vs {estimates[best].MovesPerMemberWeek:F3} per member-week at cost {_options.MoveCost})");
                best = c;
            }
        }

        var chosen = estimates[best];
        var reason = why is not null
            ? string.Create(CultureInfo.InvariantCulture, $"Features drift {driftPerWeek:G3} a week; {why}.")
            : string.Create(CultureInfo.InvariantCulture,
                $"Features drift {driftPerWeek:G3} a week; re-forming more often than quarterly does not gain more than {_options.MinimumGain} a member-week and {_options.Margin} standard errors (weekly {estimates[0].Value - chosen.Value:+0.0000;-0.0000} a member-week: similarity {estimates[0].MeanSimilarity:F3} vs {chosen.MeanSimilarity:F3}, moves {estimates[0].MovesPerMemberWeek:F3} vs {chosen.MovesPerMemberWeek:F3}).");
        return new CohortCadence { Cohort = cohort, Size = size, DriftPerWeek = driftPerWeek, Cadence = Cadences[best], Estimates = estimates, Reason = reason };
    }

    private static string Name(ReformationCadence cadence) => cadence.ToString().ToLowerInvariant();

    private static double StandardError(double[] values)
    {
        var mean = values.Average();
        var ss = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(ss / (values.Length - 1) / values.Length);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Scheduled {Cohorts} cohorts from {Simulations} simulated futures.")]
    private static partial void LogScheduled(ILogger logger, int cohorts, int simulations);
}
