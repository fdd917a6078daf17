using System.Numerics.Tensors;
using CohortKit.Features;

namespace CohortKit.Similarity.Cohorts;

/// <summary>Why a cohort was grouped: the features on which its members sit furthest from the population average.</summary>
/// <param name="Cohort">The cohort.</param>
/// <param name="Size">Its size.</param>
/// <param name="MeanSimilarity">Mean pairwise cosine within it.</param>
/// <param name="Features">Up to three (feature, cohort mean of the standardised feature) pairs, largest |mean| first.</param>
public sealed record CohortExplanation(int Cohort, int Size, double MeanSimilarity, IReadOnlyList<(string Feature, double Mean)> Features);

/// <summary>The quality of a cohort partition.</summary>
/// <param name="Learners">Learners partitioned.</param>
/// <param name="CohortCount">Cohorts formed.</param>
/// <param name="MinSize">The smallest cohort.</param>
/// <param name="MaxSize">The largest cohort.</param>
/// <param name="SizeHistogram">Cohorts per size.</param>
/// <param name="MeanIntraSimilarity">Mean over cohorts of the mean pairwise cosine within the cohort.</param>
/// <param name="RandomBaselineSimilarity">The expected value for a random partition: the population's mean pairwise cosine.</param>
/// <param name="KMeansSimilarity">The same measure for unconstrained k-means with the same number of clusters (null if not computed).</param>
/// <param name="Explanations">Per cohort, why its members were grouped.</param>
public sealed record CohortQualityReport(int Learners, int CohortCount, int MinSize, int MaxSize, IReadOnlyDictionary<int, int> SizeHistogram,
    double MeanIntraSimilarity, double RandomBaselineSimilarity, double? KMeansSimilarity, IReadOnlyList<CohortExplanation> Explanations);

/// <summary>Measures a partition: sizes, intra-cohort similarity against baselines, and "why grouped" explanations.</summary>
public static class CohortQuality
{
    /// <summary>Evaluates a partition.</summary>
    /// <param name="features">The features the cohorts were formed from (standardised columns give readable explanations).</param>
    /// <param name="cohorts">The partition.</param>
    /// <param name="kmeans">Optional unconstrained baseline.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The partition does not cover the rows.</exception>
    public static CohortQualityReport Evaluate(FeatureMatrix features, CohortAssignment cohorts, CohortAssignment? kmeans = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(cohorts);
        if (cohorts.CohortOf.Length != features.Rows)
        {
            throw new ArgumentException($"The partition covers {cohorts.CohortOf.Length} rows; the features have {features.Rows}.", nameof(cohorts));
        }

        var d = features.Dimensions;
        var (perCohort, sizes) = MeanPairwise(features, cohorts);
        var valid = perCohort.Where(v => !double.IsNaN(v)).ToArray();
        var global = MeanPairwise(features, new CohortAssignment(new int[features.Rows], 1)).PerCohort[0];
        double? km = null;
        if (kmeans is not null)
        {
            var kmValues = MeanPairwise(features, kmeans).PerCohort.Where(v => !double.IsNaN(v)).ToArray();
            km = kmValues.Length == 0 ? null : kmValues.Average();
        }

        var means = new double[cohorts.CohortCount * d];
        for (var r = 0; r < features.Rows; r++)
        {
            var row = features.Row(r);
            var c = cohorts.CohortOf[r];
            for (var j = 0; j < d; j++) { means[c * d + j] += row[j]; }
        }

        var explanations = new List<CohortExplanation>(cohorts.CohortCount);
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            var top = Enumerable.Range(0, d)
                .Select(j => (Feature: features.FeatureNames[j], Mean: sizes[c] == 0 ? 0 : means[c * d + j] / sizes[c]))
                .OrderByDescending(t => Math.Abs(t.Mean)).Take(3).ToList();
            explanations.Add(new CohortExplanation(c, sizes[c], perCohort[c], top));
        }

        var present = sizes.Where(s => s > 0).ToArray();
        return new CohortQualityReport(features.Rows, present.Length, present.Min(), present.Max(),
            present.GroupBy(s => s).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            valid.Length == 0 ? 0 : valid.Average(), global, km, explanations);
    }

    /// <summary>Mean pairwise cosine per cohort from sums of unit vectors: (‖Σx‖² − Σ‖x‖²) / (n(n − 1)); NaN below 2 members.</summary>
    internal static (double[] PerCohort, int[] Sizes) MeanPairwise(FeatureMatrix features, CohortAssignment cohorts)
    {
        var d = features.Dimensions;
        var sums = new double[cohorts.CohortCount * d];
        var selfDots = new double[cohorts.CohortCount];
        var sizes = new int[cohorts.CohortCount];
        var unit = new float[d];
        for (var r = 0; r < features.Rows; r++)
        {
            var row = features.Row(r);
            var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)row);
            if (norm > 0) { TensorPrimitives.Divide(row, norm, unit); } else { Array.Clear(unit); }
            var c = cohorts.CohortOf[r];
            sizes[c]++;
            selfDots[c] += norm > 0 ? 1 : 0;
            for (var j = 0; j < d; j++) { sums[c * d + j] += unit[j]; }
        }

        var result = new double[cohorts.CohortCount];
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            var n = sizes[c];
            if (n < 2) { result[c] = double.NaN; continue; }
            double s2 = 0;
            for (var j = 0; j < d; j++) { s2 += sums[c * d + j] * sums[c * d + j]; }
            result[c] = (s2 - selfDots[c]) / ((double)n * (n - 1));
        }

        return (result, sizes);
    }
}
