using System.Globalization;
using System.Runtime.InteropServices;
using CohortKit.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CohortKit.Churn.Models;

/// <summary>Trains a calibrated <see cref="ChurnModel"/>: FastTree, LightGBM, logistic regression (ML.NET) or the blend of
/// FastTree and logistic regression, on a stratified share of the rows, then Platt or isotonic calibration on the rest (or
/// cross-fitted, <see cref="ChurnTrainerOptions.CalibrationFolds"/>).</summary>
/// <remarks>Thread-safe. The fitted trees or weights are copied into CohortKit's own scorer, so scoring needs no ML.NET pipeline
/// and is deterministic for a given <see cref="ChurnTrainerOptions.Seed"/>.</remarks>
public sealed class ChurnModelTrainer : IChurnModelTrainer
{
    private readonly ChurnTrainerOptions _options;

    /// <summary>Creates a trainer with the default settings (FastTree, Platt).</summary>
    public ChurnModelTrainer()
        : this(new ChurnTrainerOptions())
    {
    }

    /// <summary>Creates a trainer (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public ChurnModelTrainer(ChurnTrainerOptions options)
    {
        ChurnTrainerOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
    }

    /// <summary>Creates a trainer from DI.</summary>
    /// <param name="options">The validated settings.</param>
    [ActivatorUtilitiesConstructor]
    public ChurnModelTrainer(IOptions<ChurnTrainerOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Gets a copy of the validated settings (changing it changes nothing).</summary>
    public ChurnTrainerOptions Options => _options.Snapshot();

    /// <inheritdoc />
    public string Name => _options.ModelType.ToString();

    /// <inheritdoc />
    IChurnModel IChurnModelTrainer.Fit(FeatureMatrix features, ReadOnlySpan<bool> labels) => Fit(features, labels);

    /// <summary>Fits a calibrated model.</summary>
    /// <param name="features">The training rows (finite values).</param>
    /// <param name="labels">One label per row: <see langword="true"/> = churned.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">No rows, lengths differ, a value is not finite, or either part of the stratified split
    /// lacks a class (fewer than two churners or two non-churners).</exception>
    public ChurnModel Fit(FeatureMatrix features, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows == 0)
        {
            throw new ArgumentException("The training set is empty: there are no rows to fit.", nameof(features));
        }

        if (labels.Length != features.Rows)
        {
            throw new ArgumentException($"There are {labels.Length} labels for {features.Rows} rows.", nameof(labels));
        }

        ThrowIfNotFinite(features);
        var positives = 0;
        foreach (var y in labels) { if (y) { positives++; } }
        if (positives < 2 || features.Rows - positives < 2)
        {
            throw new ArgumentException($"The training set needs at least two churners and two non-churners; it has {positives} churners among {features.Rows} rows.", nameof(labels));
        }

        using var activity = ChurnTelemetry.ActivitySource.StartActivity("ChurnModelTrainer.Fit");
        var o = _options;
        var dims = features.Dimensions;
        var data = features.AsSpan();
        ChurnModelType[] types = o.ModelType == ChurnModelType.Blend ? [ChurnModelType.FastTree, ChurnModelType.Logistic] : [o.ModelType];
        var members = new RawScorer[types.Length];
        var held = new double[types.Length][];
        bool[] calLabels;
        if (o.CalibrationFolds >= 2)
        {
            if (positives < o.CalibrationFolds || features.Rows - positives < o.CalibrationFolds)
            {
                throw new ArgumentException($"Cross-fitted calibration over {o.CalibrationFolds} folds needs at least {o.CalibrationFolds} churners and non-churners; there are {positives} churners among {features.Rows} rows.", nameof(labels));
            }

            // Out-of-fold raw scores of every row, each from a model that never saw it; then the model on every row (or, for a
            // calibration ensemble, the fold models themselves).
            var fold = Tabular.CrossValidator.AssignFolds(labels, o.CalibrationFolds, o.Seed);
            var foldScorers = new RawScorer[o.CalibrationFolds];
            for (var m = 0; m < types.Length; m++) { held[m] = new double[features.Rows]; }
            for (var k = 0; k < o.CalibrationFolds; k++)
            {
                int[] foldRows = [.. Enumerable.Range(0, fold.Length).Where(i => fold[i] != k)];
                for (var m = 0; m < types.Length; m++)
                {
                    var foldScorer = FitScorer(types[m], features, labels, foldRows);
                    foldScorers[k] = foldScorer; // one type only when it is used (the validator refuses an ensemble of blends)
                    for (var i = 0; i < fold.Length; i++)
                    {
                        if (fold[i] == k) { held[m][i] = foldScorer.Score(data.Slice(i * dims, dims)); }
                    }
                }
            }

            if (o.CalibrationEnsemble)
            {
                var ensemble = FoldEnsemble(foldScorers, fold, held[0], labels, features.FeatureNames);
                ChurnTelemetry.ModelsTrained.Add(1);
                return ensemble;
            }

            calLabels = labels.ToArray();
            int[] all = [.. Enumerable.Range(0, features.Rows)];
            for (var m = 0; m < types.Length; m++) { members[m] = FitScorer(types[m], features, labels, all); }
        }
        else
        {
            var (fitRows, calibrationRows) = StratifiedSplit(labels, o.CalibrationFraction, o.Seed);
            calLabels = new bool[calibrationRows.Length];
            for (var i = 0; i < calibrationRows.Length; i++) { calLabels[i] = labels[calibrationRows[i]]; }
            for (var m = 0; m < types.Length; m++)
            {
                members[m] = FitScorer(types[m], features, labels, fitRows);
                held[m] = new double[calibrationRows.Length];
                for (var i = 0; i < calibrationRows.Length; i++) { held[m][i] = members[m].Score(data.Slice(calibrationRows[i] * dims, dims)); }
            }
        }

        RawScorer scorer = members[0];
        var calScores = held[0];
        if (types.Length > 1)
        {
            // Stacking: the members' weights from a logistic regression on their held-out scores.
            var weights = BlendScorer.StackingWeights(held, calLabels);
            scorer = new BlendScorer(members, weights);
            calScores = new double[calLabels.Length];
            for (var m = 0; m < types.Length; m++)
            {
                for (var i = 0; i < calScores.Length; i++) { calScores[i] += weights[m] * held[m][i]; }
            }
        }

        var calibrator = Calibrator.Fit(o.Calibration, calScores, calLabels);
        ChurnTelemetry.ModelsTrained.Add(1);
        return new ChurnModel(o.ModelType, [.. features.FeatureNames], scorer, calibrator);
    }

    /// <summary>The fold models, each Platt-calibrated on its own fold's out-of-fold scores, folded into one tree ensemble whose
    /// raw score is the mean of the members' calibrated log-odds: member k's tree weights scaled by a_k / K, the bias
    /// Σ (a_k·bias_k + b_k) / K, and an identity Platt map.</summary>
    private ChurnModel FoldEnsemble(RawScorer[] foldScorers, int[] fold, double[] outOfFold, ReadOnlySpan<bool> labels, IReadOnlyList<string> featureNames)
    {
        var k = foldScorers.Length;
        var trees = new List<TreeEnsembleScorer.Tree>();
        var bias = 0.0;
        for (var j = 0; j < k; j++)
        {
            var scores = new List<double>();
            var foldLabels = new List<bool>();
            for (var i = 0; i < fold.Length; i++)
            {
                if (fold[i] == j) { scores.Add(outOfFold[i]); foldLabels.Add(labels[i]); }
            }

            var calibrator = Calibrator.Fit(ProbabilityCalibration.Platt, CollectionsMarshal.AsSpan(scores), CollectionsMarshal.AsSpan(foldLabels));
            var scorer = (TreeEnsembleScorer)foldScorers[j];
            var scale = calibrator.A / k;
            trees.AddRange(scorer.Trees.Select(t => t with { Weight = t.Weight * scale }));
            bias += (calibrator.A * scorer.Bias + calibrator.B) / k;
        }

        var merged = new TreeEnsembleScorer([.. trees], bias);
        return new ChurnModel(_options.ModelType, [.. featureNames], merged, Calibrator.Restore(ProbabilityCalibration.Platt, 1, 0, [], []));
    }

    private RawScorer FitScorer(ChurnModelType type, FeatureMatrix features, ReadOnlySpan<bool> labels, int[] rows)
    {
        var o = _options;
        var ml = new MLContext(o.Seed);
        double[]? means = null, scales = null;
        if (type == ChurnModelType.Logistic) { (means, scales) = Standardisation(features, rows); }
        var view = ToDataView(ml, features, labels, rows, means, scales);
        switch (type)
        {
            case ChurnModelType.FastTree:
            {
                var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = o.NumberOfTrees,
                    NumberOfLeaves = o.NumberOfLeaves,
                    LearningRate = o.LearningRate,
                    MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
                    Seed = o.Seed,
                });
                return FromEnsemble(trainer.Fit(view).Model.SubModel.TrainedTreeEnsemble);
            }

            case ChurnModelType.LightGbm:
            {
                var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfIterations = o.NumberOfTrees,
                    NumberOfLeaves = o.NumberOfLeaves,
                    LearningRate = o.LearningRate,
                    MinimumExampleCountPerLeaf = o.MinimumExampleCountPerLeaf,
                    Seed = o.Seed,
                    Verbose = false,
                    Silent = true,
                });
                try
                {
                    return FromEnsemble(trainer.Fit(view).Model.SubModel.TrainedTreeEnsemble);
                }
                catch (ArgumentNullException e) when (e.StackTrace?.Contains("CreatePredictor", StringComparison.Ordinal) == true)
                {
                    // LightGBM found no split (too few rows per leaf, or constant features) and, with as many churners as not,
                    // kept no tree at all, which ML.NET cannot convert. Its score is then the constant 0: no trees, no bias,
                    // the same constant-score model FastTree gives, which the calibration maps to the churn rate.
                    return new TreeEnsembleScorer([], 0);
                }
            }

            default:
            {
                var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    L2Regularization = (float)o.L2Regularization,
                    L1Regularization = 0,
                });
                var linear = trainer.Fit(view).Model.SubModel;
                return new LinearScorer([.. linear.Weights.Select(w => (double)w)], means!, scales!, linear.Bias);
            }
        }
    }

    internal static TreeEnsembleScorer FromEnsemble(RegressionTreeEnsemble ensemble)
    {
        var trees = new TreeEnsembleScorer.Tree[ensemble.Trees.Count];
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(f => f))
            {
                throw new InvalidOperationException("A tree has a categorical split, which the scorer does not evaluate.");
            }

            trees[t] = new([.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds], [.. tree.LeftChild], [.. tree.RightChild], [.. tree.LeafValues], ensemble.TreeWeights[t]);
        }

        return new TreeEnsembleScorer(trees, ensemble.Bias);
    }

    private static (double[] Means, double[] Scales) Standardisation(FeatureMatrix features, int[] rows)
    {
        var dims = features.Dimensions;
        var means = new double[dims];
        var scales = new double[dims];
        foreach (var r in rows) { var row = features.Row(r); for (var j = 0; j < dims; j++) { means[j] += row[j]; } }
        for (var j = 0; j < dims; j++) { means[j] /= rows.Length; }
        foreach (var r in rows) { var row = features.Row(r); for (var j = 0; j < dims; j++) { scales[j] += (row[j] - means[j]) * (row[j] - means[j]); } }
        for (var j = 0; j < dims; j++)
        {
            var sd = Math.Sqrt(scales[j] / rows.Length);
            scales[j] = sd > 0 ? sd : 1; // a constant column contributes nothing rather than NaN
        }

        return (means, scales);
    }

    private static IDataView ToDataView(MLContext ml, FeatureMatrix features, ReadOnlySpan<bool> labels, int[] rows, double[]? means, double[]? scales)
    {
        var dims = features.Dimensions;
        var data = new TrainingRow[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var source = features.Row(rows[i]);
            var values = new float[dims];
            for (var j = 0; j < dims; j++) { values[j] = means is null ? source[j] : (float)((source[j] - means[j]) / scales![j]); }
            data[i] = new TrainingRow { Label = labels[rows[i]], Features = values };
        }

        var schema = SchemaDefinition.Create(typeof(TrainingRow));
        schema[nameof(TrainingRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dims);
        return ml.Data.LoadFromEnumerable(data, schema);
    }

    /// <summary>A random share of each class for calibration (at least one of each), the rest for fitting.</summary>
    internal static (int[] Fit, int[] Calibration) StratifiedSplit(ReadOnlySpan<bool> labels, double fraction, int seed)
    {
        var random = new Random(seed);
        var fit = new List<int>();
        var calibration = new List<int>();
        foreach (var cls in new[] { true, false })
        {
            var members = new List<int>();
            for (var i = 0; i < labels.Length; i++) { if (labels[i] == cls) { members.Add(i); } }
            var shuffled = members.ToArray();
            random.Shuffle(shuffled);
            var take = Math.Clamp((int)Math.Round(fraction * shuffled.Length), 1, shuffled.Length - 1);
            calibration.AddRange(shuffled.Take(take));
            fit.AddRange(shuffled.Skip(take));
        }

        fit.Sort();
        calibration.Sort();
        return ([.. fit], [.. calibration]);
    }

    private static void ThrowIfNotFinite(FeatureMatrix features)
    {
        var data = features.AsSpan();
        for (var i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                var row = i / features.Dimensions;
                var column = features.FeatureNames[i % features.Dimensions];
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Feature '{column}' of row {row + 1} is {data[i]}; every feature must be finite."), nameof(features));
            }
        }
    }

    /// <summary>One training row as ML.NET reads it.</summary>
    internal sealed class TrainingRow
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
