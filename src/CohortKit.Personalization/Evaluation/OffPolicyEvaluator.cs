using CohortKit.Experiments.Distributions;
using CohortKit.Personalization.Engine;
using CohortKit.Randomness;
using CohortKit.Statistics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Evaluation;

/// <summary>Estimates the value of a candidate policy from a log of another (logging) policy's decisions, before it goes
/// live: IPS, self-normalised IPS and doubly robust (a cross-fitted ridge reward model per action), each with a normal
/// interval from the per-row terms, plus the effective sample size (as Open Bandit Pipeline and Vowpal Wabbit report).</summary>
/// <remarks>Stateless apart from its options; thread-safe. The candidate is either given as probabilities
/// (<see cref="TargetPolicy"/>) or a built-in bandit policy fitted, for each fold, on the other folds of the log.</remarks>
public sealed class OffPolicyEvaluator
{
    private readonly OffPolicyOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates an evaluator (the non-DI entry).</summary>
    /// <param name="options">The settings; validated and copied.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public OffPolicyEvaluator(OffPolicyOptions options, ILogger<OffPolicyEvaluator>? logger = null)
    {
        OffPolicyOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<OffPolicyEvaluator>.Instance;
    }

    /// <summary>Creates an evaluator from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public OffPolicyEvaluator(IOptions<OffPolicyOptions> options, ILogger<OffPolicyEvaluator>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    /// <summary>Evaluates a policy given by its probabilities.</summary>
    /// <param name="log">The log (at least 2 rows).</param>
    /// <param name="target">π(a | event) for every row and action of the log.</param>
    /// <returns>The estimates.</returns>
    /// <exception cref="ArgumentException">The log has fewer than 2 rows, or the target has another number of actions.</exception>
    public OffPolicyReport Evaluate(InteractionLog log, TargetPolicy target)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(target);
        if (target.ActionCount != log.Actions.Count) { throw new ArgumentException($"The target has {target.ActionCount} actions; the log has {log.Actions.Count}.", nameof(target)); }
        return Run(log, null, (row, _, _, destination) => target.Of(row).CopyTo(destination));
    }

    /// <summary>Evaluates a built-in bandit policy, cross-fitted: for the rows of each fold, the policy's per-action ridge
    /// models are fitted on the other folds' logged rewards, and π is that policy's action distribution (LinUCB's argmax,
    /// Thompson's probability of the largest draw, epsilon-greedy's mixture).</summary>
    /// <param name="log">The log (at least 2 rows).</param>
    /// <param name="candidate">The candidate policy.</param>
    /// <returns>The estimates.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A candidate setting is out of range.</exception>
    /// <exception cref="ArgumentException">The log has fewer than 2 rows.</exception>
    public OffPolicyReport Evaluate(InteractionLog log, BanditPolicyOptions candidate)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(candidate);
        CohortKit.Hosting.OptionFailures.ThrowIfAny(candidate.Failures(""));
        var policy = candidate.Snapshot();
        return Run(log, policy, (_, phi, arms, destination) =>
        {
            Span<double> means = stackalloc double[arms.Length];
            Span<double> widths = stackalloc double[arms.Length];
            for (var a = 0; a < arms.Length; a++) { means[a] = arms[a].Mean(phi); widths[a] = arms[a].Width(phi); }
            ActionSelection.Probabilities(policy, means, widths, destination);
        });
    }

    private delegate void TargetProbabilities(int row, ReadOnlySpan<double> phi, LinearArm[] candidateArms, Span<double> destination);

    private OffPolicyReport Run(InteractionLog log, BanditPolicyOptions? candidate, TargetProbabilities target)
    {
        var n = log.Count;
        ThrowIfTooFew(log);
        using var activity = PersonalizationTelemetry.ActivitySource.StartActivity("OffPolicyEvaluator.Evaluate");
        var k = log.Actions.Count;
        var d = log.FeatureNames.Count + 1;
        var folds = Folds(n, Math.Min(_options.Folds, n));
        var codes = log.ActionCodes;
        var p = log.Propensities;
        var r = log.Rewards;
        var w = new double[n];
        var ips = new double[n];
        var dr = new double[n];
        var pi = new double[k];
        var phi = new double[d];
        for (var fold = 0; fold < folds.Count; fold++)
        {
            var model = Fit(log, folds, fold, _options.RewardModelRegularization);
            var policyArms = candidate is null ? model
                : candidate.Regularization == _options.RewardModelRegularization ? model : Fit(log, folds, fold, candidate.Regularization);
            foreach (var i in folds[fold])
            {
                Phi(log.Context(i), phi);
                target(i, phi, policyArms, pi);
                w[i] = pi[codes[i]] / p[i];
                ips[i] = w[i] * r[i];
                var direct = 0.0;
                for (var a = 0; a < k; a++) { direct += pi[a] * model[a].Mean(phi); }
                dr[i] = direct + (w[i] * (r[i] - model[codes[i]].Mean(phi)));
            }
        }

        var sumW = 0.0;
        var sumWr = 0.0;
        var maxW = 0.0;
        for (var i = 0; i < n; i++) { sumW += w[i]; sumWr += w[i] * r[i]; maxW = Math.Max(maxW, w[i]); }
        if (maxW <= 0) { throw new ArgumentException("The target policy gives probability 0 to every logged action; no estimate is possible from this log.", nameof(log)); }

        // (Σw)²/Σw² on weights scaled by the largest, so that a weight above ~1e154 cannot overflow w² (the ratio is scale-free).
        var scaledSum = 0.0;
        var scaledSum2 = 0.0;
        for (var i = 0; i < n; i++) { var v = w[i] / maxW; scaledSum += v; scaledSum2 += v * v; }
        var snipsValue = sumWr / sumW;
        var meanW = sumW / n;
        var snipsTerms = new double[n];
        for (var i = 0; i < n; i++) { snipsTerms[i] = w[i] * (r[i] - snipsValue) / meanW; }
        var z = Probability.NormalUpperQuantile(_options.Alpha / 2);
        var report = new OffPolicyReport
        {
            Rows = n,
            Actions = log.Actions,
            EffectiveSampleSize = scaledSum * scaledSum / scaledSum2,
            Logged = Estimate(Mean(r), r, z, 1 - _options.Alpha),
            Ips = Estimate(Mean(ips), ips, z, 1 - _options.Alpha),
            Snips = Estimate(snipsValue, snipsTerms, z, 1 - _options.Alpha),
            DoublyRobust = Estimate(Mean(dr), dr, z, 1 - _options.Alpha),
            Alpha = _options.Alpha,
        };
        ThrowIfNotFinite(report, log, w);
        PersonalizationTelemetry.Evaluations.Add(1);
        PersonalizationLog.Evaluated(_logger, n, k, report.EffectiveSampleSize);
        return report;
    }

    /// <summary>Refuses a log too short for an interval (before anything else is read from it).</summary>
    /// <param name="log">The log.</param>
    /// <exception cref="ArgumentException">Fewer than 2 rows.</exception>
    internal static void ThrowIfTooFew(InteractionLog log)
    {
        if (log.Count < 2)
        {
            throw new ArgumentException($"The log has {log.Count} {(log.Count == 1 ? "row" : "rows")}; at least 2 are needed for an interval.", nameof(log));
        }
    }

    /// <summary>Refuses a result that overflowed double precision (finite inputs whose weights or rewards are so large that a
    /// sum or a square is infinite), naming the largest weight and reward, instead of reporting NaN or infinity.</summary>
    private static void ThrowIfNotFinite(OffPolicyReport report, InteractionLog log, double[] w)
    {
        PolicyValueEstimate[] all = [report.Logged, report.Ips, report.Snips, report.DoublyRobust];
        if (all.All(e => double.IsFinite(e.Value) && double.IsFinite(e.StandardError) && double.IsFinite(e.Interval.Low) && double.IsFinite(e.Interval.High)))
        {
            return;
        }

        var heaviest = 0;
        var largestReward = 0;
        for (var i = 1; i < w.Length; i++)
        {
            if (w[i] > w[heaviest]) { heaviest = i; }
            if (Math.Abs(log.Rewards[i]) > Math.Abs(log.Rewards[largestReward])) { largestReward = i; }
        }

        throw new ArgumentException(
            $"The estimates overflow double precision: the largest importance weight π/propensity is {w[heaviest]:G6} (event_id '{log.EventIds[heaviest]}', propensity {log.Propensities[heaviest]:G6}) and the largest |reward| is {Math.Abs(log.Rewards[largestReward]):G6} (event_id '{log.EventIds[largestReward]}'); rescale the rewards or drop rows whose propensity is this small.",
            nameof(log));
    }

    /// <summary>φ = [1, x]: the intercept and the context features.</summary>
    internal static void Phi(ReadOnlySpan<double> context, Span<double> phi)
    {
        phi[0] = 1;
        context.CopyTo(phi[1..]);
    }

    /// <summary>Each action's ridge regression of the reward on φ, from the rows outside <paramref name="fold"/>.</summary>
    private static LinearArm[] Fit(InteractionLog log, List<List<int>> folds, int fold, double lambda)
    {
        var k = log.Actions.Count;
        var d = log.FeatureNames.Count + 1;
        var a = new double[k][];
        var b = new double[k][];
        var counts = new long[k];
        for (var action = 0; action < k; action++)
        {
            a[action] = new double[d * d];
            b[action] = new double[d];
            for (var j = 0; j < d; j++) { a[action][(j * d) + j] = lambda; }
        }

        Span<double> phi = stackalloc double[d];
        for (var f = 0; f < folds.Count; f++)
        {
            if (f == fold) { continue; }
            foreach (var i in folds[f])
            {
                var action = log.ActionCodes[i];
                Phi(log.Context(i), phi);
                var ai = a[action];
                for (var x = 0; x < d; x++)
                {
                    for (var y = 0; y < d; y++) { ai[(x * d) + y] += phi[x] * phi[y]; }
                    b[action][x] += log.Rewards[i] * phi[x];
                }

                counts[action]++;
            }
        }

        for (var action = 0; action < k; action++)
        {
            if (!a[action].All(double.IsFinite)) { throw Overflow(log, action, features: true); }
            if (!b[action].All(double.IsFinite)) { throw Overflow(log, action, features: false); }
        }

        var arms = new LinearArm[k];
        for (var action = 0; action < k; action++) { arms[action] = LinearArm.FromSums(a[action], b[action], counts[action]); }
        return arms;
    }

    /// <summary>The error for a reward model whose sums φφᵀ (<paramref name="features"/>) or rφ overflowed: names the feature
    /// column, or the reward, with the largest magnitude among the action's rows.</summary>
    private static ArgumentException Overflow(InteractionLog log, int action, bool features)
    {
        var names = log.FeatureNames;
        var column = "reward";
        var largest = 0.0;
        var at = "";
        for (var i = 0; i < log.Count; i++)
        {
            if (log.ActionCodes[i] != action) { continue; }
            if (!features)
            {
                if (Math.Abs(log.Rewards[i]) > largest) { largest = Math.Abs(log.Rewards[i]); at = log.EventIds[i]; }
                continue;
            }

            var x = log.Context(i);
            for (var f = 0; f < x.Length; f++)
            {
                if (Math.Abs(x[f]) > largest) { largest = Math.Abs(x[f]); column = names[f]; at = log.EventIds[i]; }
            }
        }

        return new ArgumentException(
            $"The reward model of action '{log.Actions[action]}' overflows double precision: column '{column}' holds {largest:G6} (event_id '{at}'), whose square or product with a feature is not finite; rescale it.",
            nameof(log));
    }

    /// <summary>A seeded random partition of the rows into <paramref name="count"/> folds of near-equal size.</summary>
    private List<List<int>> Folds(int n, int count)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++) { order[i] = i; }
        var random = new Xoshiro256(unchecked((ulong)_options.Seed), 0);
        for (var i = n - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        var folds = Enumerable.Range(0, count).Select(_ => new List<int>(n / count + 1)).ToList();
        for (var i = 0; i < n; i++) { folds[i % count].Add(order[i]); }
        return folds;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var s = 0.0;
        foreach (var v in values) { s += v; }
        return s / values.Length;
    }

    private static PolicyValueEstimate Estimate(double value, ReadOnlySpan<double> terms, double z, double level)
    {
        var mean = Mean(terms);
        var ss = 0.0;
        foreach (var t in terms) { ss += (t - mean) * (t - mean); }
        var se = Math.Sqrt(ss / (terms.Length - 1) / terms.Length);
        return new PolicyValueEstimate { Value = value, StandardError = se, Interval = new ConfidenceInterval(value - (z * se), value + (z * se), level) };
    }
}
