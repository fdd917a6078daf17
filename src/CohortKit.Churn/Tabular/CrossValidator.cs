using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Churn.Tabular;

/// <summary>Stratified k-fold cross-validation of a churn trainer: every fold keeps the churn rate of the whole.</summary>
/// <remarks>Thread-safe. Folds are assigned by shuffling each class with the seed and dealing rows round-robin.</remarks>
public static class CrossValidator
{
    /// <summary>Runs the cross-validation.</summary>
    /// <param name="trainer">The trainer to evaluate.</param>
    /// <param name="features">All rows.</param>
    /// <param name="labels">One label per row.</param>
    /// <param name="folds">The number of folds, in [2, 100] and at most the size of the rarer class.</param>
    /// <param name="seed">The seed of the fold assignment.</param>
    /// <param name="cancellationToken">Checked between folds.</param>
    /// <returns>The per-fold evaluations and their summary.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The rows or labels are invalid (see the trainer).</exception>
    public static CrossValidationReport Run(IChurnModelTrainer trainer, FeatureMatrix features, ReadOnlySpan<bool> labels, int folds = 5, int seed = 42, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(features);
        if (labels.Length != features.Rows) { throw new ArgumentException($"There are {labels.Length} labels for {features.Rows} rows.", nameof(labels)); }
        var positives = 0;
        foreach (var y in labels) { if (y) { positives++; } }
        var rarer = Math.Min(positives, labels.Length - positives);
        if (folds < 2 || folds > 100 || folds > rarer)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"The number of folds must be in [2, 100] and at most the size of the rarer class ({rarer}).");
        }

        var fold = AssignFolds(labels, folds, seed);
        var evaluations = new List<ChurnEvaluation>();
        for (var k = 0; k < folds; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = Rows(fold, k, inFold: false);
            var test = Rows(fold, k, inFold: true);
            var model = trainer.Fit(Subset(features, train), Pick(labels, train));
            var testFeatures = Subset(features, test);
            var scores = new double[test.Length];
            model.PredictProbabilities(testFeatures, scores);
            evaluations.Add(ChurnMetrics.Evaluate(scores, Pick(labels, test)));
        }

        return new CrossValidationReport { Rows = labels.Length, Positives = positives, Folds = evaluations };
    }

    /// <summary>Copies the given rows into a new matrix with the same feature names (a fold, or the eligible learners).</summary>
    /// <param name="features">The source.</param>
    /// <param name="rows">The row indices to copy, in the order wanted.</param>
    /// <returns>The new matrix.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A row index is out of range.</exception>
    public static FeatureMatrix Subset(FeatureMatrix features, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(rows);
        var result = new FeatureMatrix(rows.Count, features.Dimensions, features.FeatureNames);
        for (var i = 0; i < rows.Count; i++) { features.Row(rows[i]).CopyTo(result.Row(i)); }
        return result;
    }

    private static bool[] Pick(ReadOnlySpan<bool> labels, int[] rows)
    {
        var result = new bool[rows.Length];
        for (var i = 0; i < rows.Length; i++) { result[i] = labels[rows[i]]; }
        return result;
    }

    private static int[] Rows(int[] fold, int k, bool inFold)
    {
        var rows = new List<int>();
        for (var i = 0; i < fold.Length; i++) { if ((fold[i] == k) == inFold) { rows.Add(i); } }
        return [.. rows];
    }

    internal static int[] AssignFolds(ReadOnlySpan<bool> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[labels.Length];
        foreach (var cls in new[] { true, false })
        {
            var members = new List<int>();
            for (var i = 0; i < labels.Length; i++) { if (labels[i] == cls) { members.Add(i); } }
            var shuffled = members.ToArray();
            random.Shuffle(shuffled);
            for (var j = 0; j < shuffled.Length; j++) { fold[shuffled[j]] = j % folds; }
        }

        return fold;
    }
}
