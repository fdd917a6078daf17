using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Retention;
using CohortKit.Temporal.Timeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Progression;

/// <summary>
/// Learner progression: states per period from configurable rules over recent activity and scores
/// (<see cref="Classify"/>), a discrete-time Markov transition model estimated overall or per segment (<see cref="Fit"/>,
/// <see cref="FitBySegment"/>) with k-step forecasts and the churn hazard, or with covariates (one multinomial logistic
/// regression per origin state, <see cref="FitWithCovariates"/>), and next-state evaluation on held-out later periods
/// against the "stays in the same state" baseline (<see cref="Evaluate(TransitionMatrix, LearnerStateHistory, DateOnly)"/>).
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options.</remarks>
public sealed partial class ProgressionModel
{
    private readonly ProgressionOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a model (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The rules and settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public ProgressionModel(ProgressionOptions options, ILogger<ProgressionModel>? logger = null)
    {
        ProgressionOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<ProgressionModel>.Instance;
    }

    /// <summary>Creates a model from DI.</summary>
    /// <param name="options">The rules and settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public ProgressionModel(IOptions<ProgressionOptions> options, ILogger<ProgressionModel>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public ProgressionOptions Options => _options.Snapshot();

    /// <summary>Each learner's state in every period since signup that lies fully inside the window (learners who signed up
    /// outside it get none). Active = any event in the period; the score is the mean assessment value over the last
    /// <see cref="ProgressionOptions.ScoreLookbackPeriods"/> periods.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their events.</param>
    /// <param name="window">The observed days; null means the first to the last day with any event.</param>
    /// <returns>The state history.</returns>
    /// <exception cref="ArgumentException">The log and learners differ in size, the window is reversed or the log empty, or an
    /// event precedes its learner's signup (the message names the column, learner id and timestamp).</exception>
    public LearnerStateHistory Classify(LearnerAttributes learners, ActivityLog log, ObservationWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(log);
        ObservedTimeline.RequireNoEventBeforeSignup(learners, log);
        var w = window ?? ObservationWindow.Spanning(log);
        ObservedTimeline.RequireOrdered(w, nameof(window));
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("ProgressionModel.Classify");
        var o = _options;
        var offsets = new int[learners.Count + 1];
        var states = new List<LearnerState>();
        var active = new List<bool>();
        var scoreSum = new List<double>();
        var scoreCount = new List<int>();
        for (var l = 0; l < learners.Count; l++)
        {
            var signup = learners.SignupDates[l];
            var periods = signup < w.Start || signup > w.End ? 0 : (w.End.DayNumber + 1 - signup.DayNumber) / o.PeriodDays;
            Reset(active, scoreSum, scoreCount, periods);
            var events = log.ForLearner(l);
            for (var e = 0; e < events.Count; e++)
            {
                var k = (int)((events.Timestamps[e] / TimeSpan.TicksPerDay - signup.DayNumber) / o.PeriodDays);
                if (k >= periods) { break; }
                active[k] = true;
                if (events.Kinds[e] == LearnerEventKind.Assessment)
                {
                    scoreSum[k] += events.Values[e];
                    scoreCount[k]++;
                }
            }

            var inactiveRun = 0;
            for (var k = 0; k < periods; k++)
            {
                inactiveRun = active[k] ? 0 : inactiveRun + 1;
                states.Add(active[k] ? ActiveState(k, scoreSum, scoreCount) : inactiveRun >= o.ChurnAfterInactivePeriods ? LearnerState.Churned : LearnerState.Dormant);
            }

            offsets[l + 1] = states.Count;
        }

        TemporalTelemetry.EventsScanned.Add(log.EventCount);
        LogClassified(_logger, learners.Count, states.Count);
        return new LearnerStateHistory(offsets, [.. states], learners.SignupDates.ToArray(), o.PeriodDays);
    }

    /// <summary>Estimates the transition matrix from every consecutive pair of periods, or only those whose later period
    /// ends on or before <paramref name="trainUntil"/>.</summary>
    /// <param name="history">The states.</param>
    /// <param name="trainUntil">The last day of training data, or null for all.</param>
    /// <returns>The model: (count + pseudo-count) / (row total + 6·pseudo-count).</returns>
    public TransitionMatrix Fit(LearnerStateHistory history, DateOnly? trainUntil = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Estimate(Count(history, trainUntil, l => true));
    }

    /// <summary>One transition matrix per value of <paramref name="segment"/> (per-segment estimation, the covariate route).</summary>
    /// <param name="history">The states.</param>
    /// <param name="segment">Each learner's segment; as many rows as the history has learners.</param>
    /// <param name="trainUntil">The last day of training data, or null for all.</param>
    /// <returns>The segments in category order, each with its model.</returns>
    /// <exception cref="ArgumentException">The segment column has another number of rows.</exception>
    public IReadOnlyList<SegmentTransitionMatrix> FitBySegment(LearnerStateHistory history, CategoricalColumn segment, DateOnly? trainUntil = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Count != history.LearnerCount)
        {
            throw new ArgumentException($"Column '{segment.Name}' has {segment.Count} rows but the history has {history.LearnerCount} learners.", nameof(segment));
        }

        return segment.Categories.Select((name, code) => new SegmentTransitionMatrix
        {
            Segment = name,
            Model = Estimate(Count(history, trainUntil, l => segment.Codes[l] == code)),
        }).ToArray();
    }

    /// <summary>Scores next-state predictions on the transitions whose later period ends after <paramref name="heldOutAfter"/>,
    /// against the "stays in the same state" baseline fitted on the transitions before it.</summary>
    /// <param name="model">The model (fit on data up to <paramref name="heldOutAfter"/> for an honest score).</param>
    /// <param name="history">The states.</param>
    /// <param name="heldOutAfter">The last training day.</param>
    /// <returns>Log-loss and accuracy of model and baseline. A probability of exactly 0 for an observed transition (possible
    /// with <see cref="ProgressionOptions.PseudoCount"/> = 0) gives an infinite log-loss.</returns>
    /// <exception cref="ArgumentException">There is no transition before or after <paramref name="heldOutAfter"/>.</exception>
    public ProgressionEvaluation Evaluate(TransitionMatrix model, LearnerStateHistory history, DateOnly heldOutAfter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        return EvaluateCore(history, heldOutAfter, (_, from) => model.Probabilities[from]);
    }

    /// <summary>Held-out scoring shared by the Markov and the covariate models: <paramref name="rowOf"/> gives a learner's
    /// next-state probabilities from a state.</summary>
    private ProgressionEvaluation EvaluateCore(LearnerStateHistory history, DateOnly heldOutAfter, Func<int, int, IReadOnlyList<double>> rowOf)
    {
        var training = Count(history, heldOutAfter, l => true);
        long trainTotal = 0, trainStay = 0;
        for (var i = 0; i < TransitionMatrix.StateCount; i++)
        {
            trainStay += training[i, i];
            for (var j = 0; j < TransitionMatrix.StateCount; j++) { trainTotal += training[i, j]; }
        }

        if (trainTotal == 0)
        {
            throw new ArgumentException($"No transition ends on or before {heldOutAfter:yyyy-MM-dd}; the baseline has nothing to learn from.", nameof(heldOutAfter));
        }

        var stay = (double)trainStay / trainTotal;
        double loss = 0, baselineLoss = 0;
        long n = 0, hits = 0, stays = 0;
        for (var l = 0; l < history.LearnerCount; l++)
        {
            var s = history.Of(l);
            for (var k = 1; k < s.Length; k++)
            {
                if (history.PeriodEnd(l, k) <= heldOutAfter) { continue; }
                int from = (int)s[k - 1], to = (int)s[k];
                var row = rowOf(l, from);
                loss -= Math.Log(row[to]);
                baselineLoss -= Math.Log(to == from ? stay : (1 - stay) / (TransitionMatrix.StateCount - 1));
                hits += ArgMax(row) == to ? 1 : 0;
                stays += to == from ? 1 : 0;
                n++;
            }
        }

        if (n == 0)
        {
            throw new ArgumentException($"No transition ends after {heldOutAfter:yyyy-MM-dd}; nothing is held out.", nameof(heldOutAfter));
        }

        LogEvaluated(_logger, n);
        return new ProgressionEvaluation
        {
            HeldOutAfter = heldOutAfter,
            Transitions = n,
            LogLoss = loss / n,
            Accuracy = (double)hits / n,
            BaselineLogLoss = baselineLoss / n,
            BaselineAccuracy = (double)stays / n,
            BaselineStayProbability = stay,
        };
    }

    private LearnerState ActiveState(int k, List<double> scoreSum, List<int> scoreCount)
    {
        var o = _options;
        if (k < o.OnboardingPeriods) { return LearnerState.Onboarding; }
        double sum = 0;
        var count = 0;
        for (var j = Math.Max(0, k - o.ScoreLookbackPeriods + 1); j <= k; j++)
        {
            sum += scoreSum[j];
            count += scoreCount[j];
        }

        if (count == 0) { return LearnerState.Active; }
        var mean = sum / count;
        return mean < o.StrugglingBelow ? LearnerState.Struggling : mean >= o.MasteringAtLeast ? LearnerState.Mastering : LearnerState.Active;
    }

    private static void Reset(List<bool> active, List<double> scoreSum, List<int> scoreCount, int periods)
    {
        active.Clear();
        scoreSum.Clear();
        scoreCount.Clear();
        for (var k = 0; k < periods; k++)
        {
            active.Add(false);
            scoreSum.Add(0);
            scoreCount.Add(0);
        }
    }

    private static long[,] Count(LearnerStateHistory history, DateOnly? until, Func<int, bool> include)
    {
        var counts = new long[TransitionMatrix.StateCount, TransitionMatrix.StateCount];
        ForEachTransition(history, until, (l, from, to) => { if (include(l)) { counts[from, to]++; } });
        return counts;
    }

    /// <summary>Calls <paramref name="visit"/>(learner, from, to) for every transition whose later period ends on or before
    /// <paramref name="until"/> (all when null).</summary>
    private static void ForEachTransition(LearnerStateHistory history, DateOnly? until, Action<int, int, int> visit)
    {
        for (var l = 0; l < history.LearnerCount; l++)
        {
            var s = history.Of(l);
            for (var k = 1; k < s.Length; k++)
            {
                if (until is { } u && history.PeriodEnd(l, k) > u) { break; }
                visit(l, (int)s[k - 1], (int)s[k]);
            }
        }
    }

    private TransitionMatrix Estimate(long[,] counts)
    {
        const int n = TransitionMatrix.StateCount;
        var alpha = _options.PseudoCount;
        var countRows = new IReadOnlyList<long>[n];
        var probabilityRows = new IReadOnlyList<double>[n];
        for (var i = 0; i < n; i++)
        {
            var row = new long[n];
            var total = 0.0;
            for (var j = 0; j < n; j++) { row[j] = counts[i, j]; total += row[j]; }
            var p = new double[n];
            var denominator = total + n * alpha;
            for (var j = 0; j < n; j++) { p[j] = denominator == 0 ? (i == j ? 1 : 0) : (row[j] + alpha) / denominator; }
            countRows[i] = row;
            probabilityRows[i] = p;
        }

        return new TransitionMatrix { Counts = countRows, Probabilities = probabilityRows };
    }

    private static int ArgMax(IReadOnlyList<double> row)
    {
        var best = 0;
        for (var j = 1; j < row.Count; j++) { if (row[j] > row[best]) { best = j; } }
        return best;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Classified {Learners} learners into {States} learner-periods.")]
    private static partial void LogClassified(ILogger logger, int learners, int states);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Evaluated next-state predictions on {Transitions} held-out transitions.")]
    private static partial void LogEvaluated(ILogger logger, long transitions);
}

/// <summary>The transition model of one segment.</summary>
public sealed record SegmentTransitionMatrix
{
    /// <summary>Gets the segment's value.</summary>
    public required string Segment { get; init; }

    /// <summary>Gets the segment's model.</summary>
    public required TransitionMatrix Model { get; init; }
}
