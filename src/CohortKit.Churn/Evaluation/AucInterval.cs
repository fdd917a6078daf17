using CohortKit.Statistics;
using MathNet.Numerics.Distributions;

namespace CohortKit.Churn.Evaluation;

/// <summary>The ROC AUC with its standard error and a normal confidence interval (<see cref="AucInterval"/>).</summary>
public sealed record AucEstimate
{
    /// <summary>Gets the AUC (ties count one half, equal to <see cref="ChurnEvaluation.Auc"/>).</summary>
    public required double Auc { get; init; }

    /// <summary>Gets the standard error.</summary>
    public required double StandardError { get; init; }

    /// <summary>Gets AUC ± z·SE, clipped to [0, 1].</summary>
    public required ConfidenceInterval Interval { get; init; }

    /// <summary>Gets the number of independent clusters (rows when no clusters were given).</summary>
    public required int Clusters { get; init; }
}

/// <summary>A confidence interval for the ROC AUC by DeLong's placement values, summed per cluster as Obuchowski (1997)
/// does, so that repeated rows of one learner (weekly as-of days) are not counted as independent evidence.</summary>
/// <remarks>
/// <para>With M positives and N negatives, the placement of positive i is V10_i = (#negatives scored below + ½ #tied) / N and of
/// negative j is V01_j = (#positives scored above + ½ #tied) / M; the AUC is Σ V10 / M. Per cluster k (m_k positives, n_k
/// negatives, K clusters) with V10_k = Σ_{i∈k} V10_i and V01_k = Σ_{j∈k} V01_j:
/// S10 = K/((K−1)M) Σ (V10_k − m_k A)², S01 = K/((K−1)N) Σ (V01_k − n_k A)², S11 = K/(K−1) Σ (V10_k − m_k A)(V01_k − n_k A),
/// Var(A) = S10/M + S01/N + 2 S11/(M N). Without clusters every row is its own cluster.</para>
/// <para>Thread-safe; O(n log n).</para>
/// </remarks>
public static class AucInterval
{
    /// <summary>Estimates the AUC and its interval.</summary>
    /// <param name="scores">One score per row (any finite values; only their order matters).</param>
    /// <param name="labels">One outcome per row.</param>
    /// <param name="clusters">One cluster id per row (e.g. the learner), or empty for independent rows.</param>
    /// <param name="level">The confidence level in (0, 1) (default 0.95).</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">The lengths differ, a score is not finite, a class is missing, or there are fewer
    /// than two clusters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not in (0, 1).</exception>
    public static AucEstimate Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, ReadOnlySpan<int> clusters, double level = 0.95)
    {
        if (labels.Length != scores.Length) { throw new ArgumentException($"There are {scores.Length} scores but {labels.Length} labels.", nameof(labels)); }
        if (!clusters.IsEmpty && clusters.Length != scores.Length) { throw new ArgumentException($"There are {clusters.Length} cluster ids for {scores.Length} rows.", nameof(clusters)); }
        if (!(level is > 0 and < 1)) { throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must be in (0, 1)."); }
        var n = scores.Length;
        var positives = 0;
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(scores[i])) { throw new ArgumentException($"Score {scores[i]} at row {i + 1} is not finite.", nameof(scores)); }
            if (labels[i]) { positives++; }
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0) { throw new ArgumentException($"The labels hold one class only ({positives} positives among {n} rows).", nameof(labels)); }
        var placement = Placements(scores, labels, positives, negatives);

        // Cluster sums of placements and class counts.
        var index = new Dictionary<int, int>();
        var v10 = new List<double>();
        var v01 = new List<double>();
        var m = new List<int>();
        var k = new List<int>();
        double auc = 0;
        for (var i = 0; i < n; i++)
        {
            var id = clusters.IsEmpty ? i : clusters[i];
            if (!index.TryGetValue(id, out var c))
            {
                c = v10.Count;
                index[id] = c;
                v10.Add(0);
                v01.Add(0);
                m.Add(0);
                k.Add(0);
            }

            if (labels[i])
            {
                v10[c] += placement[i];
                m[c]++;
                auc += placement[i];
            }
            else
            {
                v01[c] += placement[i];
                k[c]++;
            }
        }

        auc /= positives;
        var count = v10.Count;
        if (count < 2) { throw new ArgumentException("All rows are in one cluster; a variance needs at least two.", nameof(clusters)); }
        double s10 = 0, s01 = 0, s11 = 0;
        for (var c = 0; c < count; c++)
        {
            var d10 = v10[c] - m[c] * auc;
            var d01 = v01[c] - k[c] * auc;
            s10 += d10 * d10;
            s01 += d01 * d01;
            s11 += d10 * d01;
        }

        var factor = count / (count - 1.0);
        var variance = factor * (s10 / positives / positives + s01 / negatives / negatives + 2 * s11 / positives / negatives);
        var se = Math.Sqrt(variance);
        var z = Normal.InvCDF(0, 1, 0.5 + level / 2);
        return new AucEstimate
        {
            Auc = auc,
            StandardError = se,
            Interval = new ConfidenceInterval(Math.Max(0, auc - z * se), Math.Min(1, auc + z * se), level),
            Clusters = count,
        };
    }

    /// <summary>V10 for positives and V01 for negatives, from one ascending sort with ties grouped.</summary>
    private static double[] Placements(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int positives, int negatives)
    {
        var n = scores.Length;
        var keys = scores.ToArray();
        var order = new int[n];
        for (var i = 0; i < n; i++) { order[i] = i; }
        Array.Sort(keys, order);
        var placement = new double[n];
        int negativesBelow = 0, positivesBelow = 0;
        var start = 0;
        while (start < n)
        {
            var end = start;
            int tiedPositives = 0, tiedNegatives = 0;
            while (end < n && keys[end] == keys[start])
            {
                if (labels[order[end]]) { tiedPositives++; } else { tiedNegatives++; }
                end++;
            }

            var positivesAbove = positives - positivesBelow - tiedPositives;
            for (var t = start; t < end; t++)
            {
                placement[order[t]] = labels[order[t]]
                    ? (negativesBelow + 0.5 * tiedNegatives) / negatives
                    : (positivesAbove + 0.5 * tiedPositives) / positives;
            }

            negativesBelow += tiedNegatives;
            positivesBelow += tiedPositives;
            start = end;
        }

        return placement;
    }
}
