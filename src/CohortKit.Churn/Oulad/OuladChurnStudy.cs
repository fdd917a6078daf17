using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tabular;
using CohortKit.Datasets.Oulad;
using CohortKit.Features;

namespace CohortKit.Churn.Oulad;

/// <summary>Runs issue 11's OULAD tasks: features as of each row's day (<see cref="OuladChurnTask"/>), a churn model trained on the
/// 2013 presentations, evaluated on the 2014 ones.</summary>
/// <remarks>
/// <para><b>Eventual</b>: one row per registration still registered on the as-of day (registered by then, and no unregistration
/// on or before it); positive when <c>final_result = Withdrawn</c>.</para>
/// <para><b>Early warning</b>: rows at days D = 0, 7, 14, … while D + 14 is within the presentation, for registrations registered
/// by D and not unregistered by D + 7; positive when the registration is Withdrawn with its unregistration day in (D + 7, D + 14].</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class OuladChurnStudy
{
    private const double TopFraction = 0.1;
    private readonly ChurnModelTrainer[] _candidates;
    private readonly int _folds;
    private readonly int _seed;
    private readonly int _poolDays;

    /// <summary>Creates a study with the default trainer (FastTree, Platt).</summary>
    public OuladChurnStudy()
        : this(new ChurnTrainerOptions())
    {
    }

    /// <summary>Creates a study.</summary>
    /// <param name="options">The trainer's settings; validated now.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public OuladChurnStudy(ChurnTrainerOptions options)
    {
        _candidates = [new ChurnModelTrainer(options)];
        _folds = 5;
        _seed = 42;
    }

    /// <summary>Creates a study that chooses its trainer on the training presentations only: each candidate is cross-validated
    /// on the 2013 rows (folds by registration, so a registration's weekly rows never sit on both sides), the one with the
    /// highest mean fold AUC is refitted on all 2013 rows (with calibration cross-fitted over the same number of folds,
    /// <see cref="ChurnTrainerOptions.CalibrationFolds"/>, so no row is held out of the model; a calibration ensemble keeps its
    /// own member count), and only that model sees 2014.</summary>
    /// <param name="candidates">The settings to choose from (e.g. <see cref="SelectionCandidates"/>); each validated now. On a
    /// tie the earlier candidate wins.</param>
    /// <param name="folds">The number of folds, from 2 to 20.</param>
    /// <param name="seed">The seed of the fold assignment.</param>
    /// <exception cref="ArgumentException"><paramref name="candidates"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, or <paramref name="folds"/> is.</exception>
    public OuladChurnStudy(IReadOnlyList<ChurnTrainerOptions> candidates, int folds = 5, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) { throw new ArgumentException("At least one candidate is needed.", nameof(candidates)); }
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(folds, 20);
        _candidates = [.. candidates.Select(c => new ChurnModelTrainer(c ?? throw new ArgumentException("A candidate is null.", nameof(candidates))))];
        _folds = folds;
        _seed = seed;
    }

    /// <summary>Gets the pooling half-width in days of the eventual task's training rows: with p &gt; 0 the model also trains on the
    /// 2013 rows as of D − p and D + p (each row with its own features, label and <c>as_of_day</c>; days before 0 or after the
    /// longest presentation's last day are skipped), a registration's rows kept together in the selection folds, whose AUC is
    /// then measured on the day-D rows only. The test rows stay those of day D. 0 (the default) trains on day D only. The early warning, whose rows are already weekly,
    /// ignores it.</summary>
    /// <value>From 0 to 60.</value>
    /// <exception cref="ArgumentOutOfRangeException">Set outside 0 … 60.</exception>
    public int PoolDays
    {
        get => _poolDays;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(PoolDays));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 60, nameof(PoolDays));
            _poolDays = value;
        }
    }

    /// <summary>A small grid around the default, for <see cref="OuladChurnStudy(IReadOnlyList{ChurnTrainerOptions}, int, int)"/>:
    /// the default first (200 trees × 20 leaves, rate 0.05, 50 rows per leaf), then slower and shallower or more regularised
    /// FastTree ensembles and LightGBM. Fixed in advance, not chosen on any test result.</summary>
    /// <returns>New option objects.</returns>
    public static IReadOnlyList<ChurnTrainerOptions> SelectionCandidates() =>
    [
        new ChurnTrainerOptions(),
        new ChurnTrainerOptions { NumberOfTrees = 400, LearningRate = 0.025 },
        new ChurnTrainerOptions { NumberOfTrees = 400, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 100 },
        new ChurnTrainerOptions { NumberOfTrees = 300, NumberOfLeaves = 31, MinimumExampleCountPerLeaf = 200, LearningRate = 0.03 },
        new ChurnTrainerOptions { ModelType = ChurnModelType.LightGbm },
    ];

    /// <summary>The given settings as a calibration ensemble of <paramref name="folds"/> fold models
    /// (<see cref="ChurnTrainerOptions.CalibrationEnsemble"/>): each member trained on the other folds and Platt-calibrated on
    /// its own, averaged on the log-odds scale. On the 2013 rows it raised the 5-fold AUC of the default FastTree at every as-of
    /// day (docs/churn.md, the OULAD section, "Calibration ensemble and pooled days").</summary>
    /// <param name="options">The settings (a tree learner with Platt calibration); copied, not changed.</param>
    /// <param name="folds">The number of members, from 2 to 20.</param>
    /// <returns>New settings.</returns>
    public static ChurnTrainerOptions AsEnsemble(ChurnTrainerOptions options, int folds = 5)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Snapshot();
        copy.CalibrationFolds = folds;
        copy.CalibrationEnsemble = true;
        ChurnTrainerOptionsValidator.ThrowIfInvalid(copy);
        return copy;
    }

    /// <summary>Builds the rows, trains on 2013 and evaluates on 2014.</summary>
    /// <param name="data">The data (<see cref="OuladChurnData.Load"/>).</param>
    /// <param name="task">The task.</param>
    /// <param name="asOfDay">The as-of day of <see cref="OuladChurnTask.Eventual"/> (ignored by the early warning), from 0 to the
    /// longest presentation's last day.</param>
    /// <param name="cancellationToken">Checked between the steps.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOfDay"/> is outside every presentation.</exception>
    /// <exception cref="ArgumentException">The training or test rows are empty or hold one class only.</exception>
    public OuladChurnResult Run(OuladChurnData data, OuladChurnTask task, int asOfDay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var registrations = data.Registrations;
        var longest = registrations.Count == 0 ? 0 : registrations.ModuleLengths.ToArray().Max();
        if (task == OuladChurnTask.Eventual && (asOfDay < 0 || asOfDay >= longest))
        {
            throw new ArgumentOutOfRangeException(nameof(asOfDay), asOfDay, $"The as-of day must be from 0 to {longest - 1}, the last day of the longest presentation.");
        }

        using var activity = ChurnTelemetry.ActivitySource.StartActivity("OuladChurnStudy.Run");
        var builder = new OuladFeatureBuilder(data);
        int[] trainingDays = task == OuladChurnTask.Eventual && _poolDays > 0
            ? [.. new[] { asOfDay - _poolDays, asOfDay, asOfDay + _poolDays }.Where(d => d >= 0 && d < longest)]
            : [asOfDay];
        var train = trainingDays.Length == 1
            ? OuladSamples.Build(registrations, task, asOfDay, OuladSamples.IsTrain)
            : [.. trainingDays.SelectMany(d => OuladSamples.Build(registrations, task, d, OuladSamples.IsTrain)).OrderBy(s => s.Row).ThenBy(s => s.Day)];
        var test = OuladSamples.Build(registrations, task, asOfDay, OuladSamples.IsTest);
        if (test.Count == 0) { throw new ArgumentException($"No 2014 registration is still registered on day {asOfDay}; the test set is empty.", nameof(asOfDay)); }
        var trainLabels = train.Select(s => s.Label).ToArray();
        var trainFeatures = builder.Build(train);
        cancellationToken.ThrowIfCancellationRequested();
        var selection = _candidates.Length > 1 ? Select(train, trainFeatures, trainLabels, trainingDays.Length > 1 ? asOfDay : null, cancellationToken) : null;
        var trainer = _candidates[selection?.SelectedIndex ?? 0];
        if (selection is not null)
        {
            // The chosen settings, refitted with cross-fitted calibration so that the final model sees every 2013 row; a
            // calibration ensemble already uses every row and keeps the member count it was cross-validated with.
            var final = trainer.Options;
            if (!final.CalibrationEnsemble) { final.CalibrationFolds = _folds; }
            trainer = new ChurnModelTrainer(final);
        }

        var model = trainer.Fit(trainFeatures, trainLabels);
        cancellationToken.ThrowIfCancellationRequested();
        var testFeatures = builder.Build(test);
        var scores = new double[test.Count];
        model.PredictProbabilities(testFeatures, scores);
        var labels = test.Select(s => s.Label).ToArray();
        var evaluation = ChurnMetrics.Evaluate(scores, labels, topFraction: TopFraction);
        return new OuladChurnResult
        {
            Task = task,
            AsOfDay = task == OuladChurnTask.Eventual ? asOfDay : null,
            TrainRows = train.Count,
            TrainPositives = trainLabels.Count(y => y),
            FeatureNames = builder.Names,
            Trainer = trainer.Options,
            TrainingDays = task == OuladChurnTask.Eventual ? trainingDays : [],
            Test = evaluation,
            Auc = AucInterval.Compute(scores, labels, test.Select(s => s.Row).ToArray()),
            LeadTimes = task == OuladChurnTask.EarlyWarning ? LeadTimes(registrations, test, scores) : null,
            Selection = selection,
        };
    }

    /// <summary>Cross-validates every candidate on the training rows with folds by registration (shuffled with the seed); with
    /// <paramref name="scoredDay"/>, a fold's AUC is measured on its rows of that day only (pooled days train, never score).</summary>
    private OuladModelSelection Select(List<OuladSample> train, FeatureMatrix features, bool[] labels, int? scoredDay, CancellationToken cancellationToken)
    {
        var registrations = train.Select(s => s.Row).Distinct().ToArray();
        new Random(_seed).Shuffle(registrations);
        var foldOf = new Dictionary<int, int>(registrations.Length);
        for (var i = 0; i < registrations.Length; i++) { foldOf[registrations[i]] = i % _folds; }
        var fold = train.Select(s => foldOf[s.Row]).ToArray();
        var folds = Enumerable.Range(0, _folds).Select(k => (
            Fit: Enumerable.Range(0, fold.Length).Where(i => fold[i] != k).ToArray(),
            Held: Enumerable.Range(0, fold.Length).Where(i => fold[i] == k && (scoredDay is null || train[i].Day == scoredDay)).ToArray())).ToArray();
        var auc = new double[_candidates.Length];
        for (var c = 0; c < _candidates.Length; c++)
        {
            var sum = 0.0;
            foreach (var (fit, held) in folds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = _candidates[c].Fit(CrossValidator.Subset(features, fit), [.. fit.Select(i => labels[i])]);
                var scores = new double[held.Length];
                model.PredictProbabilities(CrossValidator.Subset(features, held), scores);
                sum += ChurnMetrics.Evaluate(scores, [.. held.Select(i => labels[i])]).Auc;
            }

            auc[c] = sum / _folds;
        }

        var best = 0;
        for (var c = 1; c < auc.Length; c++) { if (auc[c] > auc[best]) { best = c; } }
        return new OuladModelSelection { Folds = _folds, Candidates = [.. _candidates.Select(c => c.Options)], CandidateAuc = auc, SelectedIndex = best, Selected = _candidates[best].Options };
    }

    private static OuladLeadTimes LeadTimes(OuladRegistrations registrations, List<OuladSample> test, double[] scores)
    {
        var order = ChurnMetrics.DescendingOrder(scores);
        var threshold = scores[order[(int)Math.Ceiling(TopFraction * scores.Length) - 1]];
        var days = new List<int>();
        var withdrawals = 0;
        for (var i = 0; i < test.Count;)
        {
            var j = i;
            var positive = false;
            var firstAlert = -1;
            while (j < test.Count && test[j].Row == test[i].Row)
            {
                positive |= test[j].Label;
                if (firstAlert < 0 && scores[j] >= threshold) { firstAlert = test[j].Day; }
                j++;
            }

            if (positive)
            {
                withdrawals++;
                if (firstAlert >= 0) { days.Add(registrations.UnregistrationDays[test[i].Row]!.Value - firstAlert); }
            }

            i = j;
        }

        days.Sort();
        return new OuladLeadTimes { Withdrawals = withdrawals, Alerted = days.Count, AlertThreshold = threshold, Days = days };
    }
}
