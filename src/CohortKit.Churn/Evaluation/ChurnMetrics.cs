using System.Globalization;

namespace CohortKit.Churn.Evaluation;

/// <summary>Computes <see cref="ChurnEvaluation"/>: ROC and PR AUC, Brier, accuracy beside the majority and balanced
/// accuracy, top-k precision and recall, a calibration curve. Matches scikit-learn (tests/reference/churn/metrics.json).</summary>
/// <remarks>Thread-safe; allocates O(n).</remarks>
public static class ChurnMetrics
{
    /// <summary>The number of equal-width calibration bins.</summary>
    public const int CalibrationBins = 10;

    /// <summary>Evaluates scores against outcomes.</summary>
    /// <param name="scores">One churn probability per row, each in [0, 1].</param>
    /// <param name="labels">One outcome per row: <see langword="true"/> = churned.</param>
    /// <param name="threshold">Churn is predicted when the score is ≥ this (default 0.5).</param>
    /// <param name="topFraction">The share of riskiest rows for top-k precision and recall, in (0, 1] (default 0.1).</param>
    /// <returns>The evaluation.</returns>
    /// <exception cref="ArgumentException">The lengths differ, there are no rows, only one class is present, or a score is
    /// outside [0, 1] or NaN (the message gives its row).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> or <paramref name="topFraction"/> is out of range.</exception>
    public static ChurnEvaluation Evaluate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double threshold = 0.5, double topFraction = 0.1)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"There are {scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }

        if (!(threshold is >= 0 and <= 1)) { throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1]."); }
        if (!(topFraction is > 0 and <= 1)) { throw new ArgumentOutOfRangeException(nameof(topFraction), topFraction, "The top fraction must be in (0, 1]."); }
        var n = scores.Length;
        var positives = 0;
        for (var i = 0; i < n; i++)
        {
            if (!(scores[i] is >= 0 and <= 1))
            {
                throw new ArgumentException($"Score {scores[i].ToString(CultureInfo.InvariantCulture)} at row {i + 1} is not a probability in [0, 1].", nameof(scores));
            }

            if (labels[i]) { positives++; }
        }

        if (positives == 0 || positives == n)
        {
            throw new ArgumentException($"The labels hold one class only ({positives} churners among {n} rows); AUC and balanced accuracy need both.", nameof(labels));
        }

        var order = DescendingOrder(scores);
        var (auc, prAuc, roc) = Ranking(scores, labels, order, positives);
        double brier = 0;
        int tp = 0, tn = 0;
        for (var i = 0; i < n; i++)
        {
            var y = labels[i] ? 1.0 : 0.0;
            brier += (scores[i] - y) * (scores[i] - y);
            var flagged = scores[i] >= threshold;
            if (flagged && labels[i]) { tp++; }
            if (!flagged && !labels[i]) { tn++; }
        }

        var top = (int)Math.Ceiling(topFraction * n);
        var hits = 0;
        for (var k = 0; k < top; k++) { if (labels[order[k]]) { hits++; } }
        var negatives = n - positives;
        return new ChurnEvaluation
        {
            Count = n,
            Positives = positives,
            Auc = auc,
            PrAuc = prAuc,
            Brier = brier / n,
            Threshold = threshold,
            Accuracy = (double)(tp + tn) / n,
            MajorityAccuracy = (double)Math.Max(positives, negatives) / n,
            BalancedAccuracy = 0.5 * ((double)tp / positives + (double)tn / negatives),
            TopFraction = topFraction,
            TopPrecision = (double)hits / top,
            TopRecall = (double)hits / positives,
            Calibration = Calibration(scores, labels),
            Roc = roc,
        };
    }

    /// <summary>Row indices by descending score, ties by ascending row (a stable sort, as NumPy's <c>argsort(-p, kind="stable")</c>).</summary>
    internal static int[] DescendingOrder(ReadOnlySpan<double> scores)
    {
        var keys = scores.ToArray();
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++) { order[i] = i; }
        Array.Sort(order, (x, y) => keys[y].CompareTo(keys[x]) is var c and not 0 ? c : x.CompareTo(y));
        return order;
    }

    /// <summary>Walks the rows from the highest score down, one step per distinct score: the ROC curve and its trapezoidal
    /// area (ties give the diagonal step, i.e. count one half), and average precision Σ (R_k − R_{k−1}) P_k.</summary>
    private static (double Auc, double PrAuc, RocPoint[] Roc) Ranking(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int[] order, int positives)
    {
        var negatives = order.Length - positives;
        var roc = new List<RocPoint> { new(0, 0) };
        double auc = 0, ap = 0, previousRecall = 0;
        int tp = 0, fp = 0;
        var k = 0;
        while (k < order.Length)
        {
            var score = scores[order[k]];
            var tp0 = tp;
            var fp0 = fp;
            while (k < order.Length && scores[order[k]] == score)
            {
                if (labels[order[k]]) { tp++; } else { fp++; }
                k++;
            }

            auc += (double)(fp - fp0) / negatives * (tp + tp0) / 2.0 / positives;
            var recall = (double)tp / positives;
            ap += (recall - previousRecall) * tp / (tp + fp);
            previousRecall = recall;
            roc.Add(new((double)fp / negatives, recall));
        }

        return (auc, ap, [.. roc]);
    }

    /// <summary>Ten equal-width bins with edges i · 0.1 (as NumPy's linspace); a score on an inner edge belongs to the lower bin,
    /// as in scikit-learn's <c>calibration_curve(strategy="uniform")</c>.</summary>
    private static CalibrationBin[] Calibration(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        const double Step = 1.0 / CalibrationBins;
        var sum = new double[CalibrationBins];
        var hits = new int[CalibrationBins];
        var count = new int[CalibrationBins];
        for (var i = 0; i < scores.Length; i++)
        {
            var bin = 0;
            while (bin < CalibrationBins - 1 && scores[i] > (bin + 1) * Step) { bin++; }
            sum[bin] += scores[i];
            count[bin]++;
            if (labels[i]) { hits[bin]++; }
        }

        var bins = new List<CalibrationBin>();
        for (var b = 0; b < CalibrationBins; b++)
        {
            if (count[b] > 0) { bins.Add(new(sum[b] / count[b], (double)hits[b] / count[b], count[b])); }
        }

        return [.. bins];
    }
}
