using CohortKit.Learners;
using CohortKit.Randomness;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortKit.Personalization.Tuning;

/// <summary>
/// Tunes platform parameters (lesson length, difficulty ramp, reminder timing, cohort size…) by Bayesian optimisation in
/// the style of Optuna's ask/tell: a Gaussian-process surrogate with a Matérn 5/2 kernel whose hyperparameters maximise
/// the marginal likelihood, and expected improvement over a noise-aware incumbent. Random search is the baseline sampler.
/// Warm start from earlier trials with <see cref="Tell(ParameterSet, double)"/>; per segment with <see cref="OptimizeBySegment"/>.
/// </summary>
/// <remarks>Thread-safe: <see cref="Ask"/> and <see cref="Tell(int, double)"/> serialise on one lock. Deterministic for a
/// seed and a sequence of calls.</remarks>
public sealed class AdaptiveParameterTuner
{
    private readonly SearchSpace _space;
    private readonly TunerOptions _options;
    private readonly ILogger _logger;
    private readonly List<Trial> _trials = [];
    private readonly object _lock = new();
    private Xoshiro256 _random;
    private double[]? _hyperparameters;

    /// <summary>Creates a tuner.</summary>
    /// <param name="space">The parameters to tune.</param>
    /// <param name="options">The settings; validated and copied.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public AdaptiveParameterTuner(SearchSpace space, TunerOptions options, ILogger<AdaptiveParameterTuner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        TunerOptionsValidator.ThrowIfInvalid(options);
        _space = space;
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<AdaptiveParameterTuner>.Instance;
        _random = new Xoshiro256(unchecked((ulong)_options.Seed), 0x7E57);
    }

    /// <summary>Gets or sets the log hyperparameters the next surrogate fit starts from (the previous fit's), for benchmarks
    /// that reproduce one step of a sequential run.</summary>
    internal double[]? SurrogateWarmStart
    {
        get { lock (_lock) { return _hyperparameters; } }
        set { lock (_lock) { _hyperparameters = value; } }
    }

    /// <summary>Gets a copy of every trial so far (pending ones have no value).</summary>
    public IReadOnlyList<Trial> Trials
    {
        get { lock (_lock) { return [.. _trials]; } }
    }

    /// <summary>Proposes the next trial: random during the initial trials or with the random sampler, else the candidate of
    /// largest expected improvement under the surrogate fitted to every completed trial.</summary>
    /// <returns>The trial; evaluate it and pass its number and value to <see cref="Tell(int, double)"/>.</returns>
    public Trial Ask()
    {
        lock (_lock)
        {
            var completed = _trials.Where(t => t.Value is not null).ToList();
            var initial = _options.InitialTrials == 0 ? Math.Max(5, 2 * _space.Dimension) : _options.InitialTrials;
            var parameters = _options.Sampler == TunerSampler.Random || completed.Count < initial
                ? _space.Sample(ref _random)
                : Suggest(completed);
            var trial = new Trial { Number = _trials.Count, Parameters = parameters };
            _trials.Add(trial);
            return trial;
        }
    }

    /// <summary>Records the value of an asked trial.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="value">The objective's value (finite).</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    /// <exception cref="ArgumentException">No pending trial has this number.</exception>
    public void Tell(int trialNumber, double value)
    {
        RequireFinite(value);
        lock (_lock)
        {
            if (trialNumber < 0 || trialNumber >= _trials.Count || _trials[trialNumber].Value is not null)
            {
                throw new ArgumentException($"Trial {trialNumber} is not pending: it was never asked or already told.", nameof(trialNumber));
            }

            _trials[trialNumber] = _trials[trialNumber] with { Value = value };
        }

        PersonalizationTelemetry.Trials.Add(1);
    }

    /// <summary>Records a trial evaluated elsewhere (a warm start from earlier runs).</summary>
    /// <param name="parameters">Its parameters (of this tuner's space).</param>
    /// <param name="value">Its value (finite).</param>
    /// <returns>The recorded trial.</returns>
    /// <exception cref="ArgumentException">The parameters belong to another space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite.</exception>
    public Trial Tell(ParameterSet parameters, double value)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!ReferenceEquals(parameters.Space, _space)) { throw new ArgumentException("The parameters belong to another search space.", nameof(parameters)); }
        RequireFinite(value);
        lock (_lock)
        {
            var trial = new Trial { Number = _trials.Count, Parameters = parameters, Value = value };
            _trials.Add(trial);
            PersonalizationTelemetry.Trials.Add(1);
            return trial;
        }
    }

    /// <summary>Runs ask/evaluate/tell for a budget of trials.</summary>
    /// <param name="objective">The objective; called once per trial.</param>
    /// <param name="budget">The number of new trials (at least 1).</param>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>The best trial, every completed trial and the best-so-far trajectory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The budget is below 1, or the objective returns a non-finite value.</exception>
    public TuningResult Optimize(Func<ParameterSet, double> objective, int budget, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        for (var i = 0; i < budget; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var trial = Ask();
            Tell(trial.Number, objective(trial.Parameters));
            progress?.Report((i + 1.0) / budget);
        }

        return Result();
    }

    /// <summary>The best trial so far, the recommended one and the trajectory of every completed trial.</summary>
    /// <returns>The result. With the Gaussian-process sampler this fits the surrogate once (warm-started, without changing
    /// the tuner's state, so later suggestions do not depend on whether this was called).</returns>
    /// <exception cref="InvalidOperationException">No trial is complete.</exception>
    public TuningResult Result()
    {
        lock (_lock)
        {
            var completed = _trials.Where(t => t.Value is not null).ToList();
            if (completed.Count == 0) { throw new InvalidOperationException("No trial has a value yet."); }
            var trajectory = new List<double>(completed.Count);
            var best = completed[0];
            foreach (var t in completed)
            {
                if (Better(t.Value!.Value, best.Value!.Value)) { best = t; }
                trajectory.Add(best.Value!.Value);
            }

            var recommended = best;
            if (_options.Sampler == TunerSampler.GaussianProcess && completed.Count >= 2)
            {
                var (x, gp) = FitSurrogate(completed, _hyperparameters);
                recommended = completed[ExpectedImprovementSearch.Incumbent(gp, x, new double[completed.Count]).Index];
            }

            return new TuningResult { Best = best, Recommended = recommended, Trials = completed, Trajectory = trajectory };
        }
    }

    /// <summary>Tunes separately for each category of a segment column (e.g. a separate reminder time per region).</summary>
    /// <param name="space">The parameters.</param>
    /// <param name="options">The settings (each segment's tuner gets the seed plus its category index).</param>
    /// <param name="segments">The column whose categories are the segments.</param>
    /// <param name="objective">The objective of a segment and parameters.</param>
    /// <param name="budget">Trials per segment.</param>
    /// <param name="cancellationToken">Cancels between trials.</param>
    /// <returns>One result per category, in the column's category order.</returns>
    public static IReadOnlyDictionary<string, TuningResult> OptimizeBySegment(SearchSpace space, TunerOptions options, CategoricalColumn segments,
        Func<string, ParameterSet, double> objective, int budget, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(objective);
        var results = new Dictionary<string, TuningResult>(StringComparer.Ordinal);
        for (var c = 0; c < segments.Categories.Count; c++)
        {
            var segment = segments.Categories[c];
            var segmentOptions = options.Snapshot();
            segmentOptions.Seed = unchecked(options.Seed + c);
            var tuner = new AdaptiveParameterTuner(space, segmentOptions);
            results[segment] = tuner.Optimize(p => objective(segment, p), budget, cancellationToken: cancellationToken);
        }

        return results;
    }

    private bool Better(double a, double b) => _options.Direction == OptimizationDirection.Minimize ? a < b : a > b;

    private static void RequireFinite(double value)
    {
        if (!double.IsFinite(value)) { throw new ArgumentOutOfRangeException(nameof(value), value, "The objective's value must be finite."); }
    }

    /// <summary>The candidate of largest expected improvement under the surrogate fitted to the completed trials.</summary>
    private ParameterSet Suggest(List<Trial> completed)
    {
        var (x, gp) = FitSurrogate(completed, _hyperparameters);
        _hyperparameters = gp.LogParameters;
        var suggestion = _space.Decode(ExpectedImprovementSearch.Maximize(gp, _space, ref _random, x, _options.Candidates));
        return completed.Any(t => t.Parameters.Raw.SequenceEqual(suggestion.Raw)) ? _space.Sample(ref _random) : suggestion;
    }

    /// <summary>Encodes the completed trials and fits the surrogate to their signed values (minimisation).</summary>
    private (double[][] X, GaussianProcess Gp) FitSurrogate(List<Trial> completed, double[]? warmStart)
    {
        var n = completed.Count;
        var d = _space.Dimension;
        var sign = _options.Direction == OptimizationDirection.Minimize ? 1.0 : -1.0;
        var x = new double[n][];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = new double[d];
            _space.Encode(completed[i].Parameters, x[i]);
            y[i] = sign * completed[i].Value!.Value;
        }

        var gp = GaussianProcess.Fit(x, y, warmStart, _options.HyperparameterEvaluations);
        PersonalizationLog.SurrogateFitted(_logger, n, gp.LogMarginalLikelihood);
        return (x, gp);
    }
}
