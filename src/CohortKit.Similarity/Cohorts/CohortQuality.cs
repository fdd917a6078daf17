using CohortKit.Features;
using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Cohorts;

/// <summary>Why a cohort was grouped: the features on which its members sit furthest from the population average.</summary>
/// <param name="Cohort">The cohort.</param>
/// <param name="Size">Its size.</param>
/// <param name="MeanSimilarity">Mean pairwise cosine within it; null ("not applicable") below two members.</param>
/// <param name="Features">Up to three features with the cohort's mean of each standardised feature, largest |mean| first.</param>
public sealed record CohortExplanation(int Cohort, int Size, double? MeanSimilarity, IReadOnlyList<FeatureMean> Features);

/// <summary>A cohort's mean of one standardised feature (0 is the population average; ±1 one standard deviation away).</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Mean">The cohort's mean of it.</param>
public readonly record struct FeatureMean(string Feature, double Mean);

/// <summary>The quality of a cohort partition.</summary>
/// <param name="Learners">Learners partitioned.</param>
/// <param name="CohortCount">Cohorts formed.</param>
/// <param name="MinSize">The smallest cohort.</param>
/// <param name="MaxSize">The largest cohort.</param>
/// <param name="SizeHistogram">Cohorts per size.</param>
/// <param name="MeanIntraSimilarity">Mean over cohorts (each cohort counts once) of the mean pairwise cosine within the cohort; cohorts below two members are left out; null when none has two.</param>
/// <param name="MeanPairSimilarity">Mean over all within-cohort pairs (a cohort of n counts n(n − 1)/2 times); null when no cohort has two members.</param>
/// <param name="RandomBaselineSimilarity">The expected value for a random partition: the population's mean pairwise cosine.</param>
/// <param name="KMeansSimilarity">The same measure for unconstrained k-means with the same number of clusters (null if not computed).</param>
/// <param name="Explanations">Per cohort, why its members were grouped.</param>
public sealed record CohortQualityReport(int Learners, int CohortCount, int MinSize, int MaxSize, IReadOnlyDictionary<int, int> SizeHistogram,
    double? MeanIntraSimilarity, double? MeanPairSimilarity, double RandomBaselineSimilarity, double? KMeansSimilarity, IReadOnlyList<CohortExplanation> Explanations);

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
        var sums = Sums(features, cohorts);
        var sizes = sums.Sizes;
        var perCohort = Enumerable.Range(0, cohorts.CohortCount).Select(sums.MeanPairwise).ToArray();
        var valid = perCohort.Where(v => !double.IsNaN(v)).ToArray();
        double pairSum = 0, pairs = 0;
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            if (double.IsNaN(perCohort[c])) { continue; }
            var p = (double)sizes[c] * (sizes[c] - 1) / 2;
            pairSum += perCohort[c] * p;
            pairs += p;
        }

        var global = Sums(features, new CohortAssignment(new int[features.Rows], 1)).MeanPairwise(0);
        double? km = null;
        if (kmeans is not null)
        {
            var kmSums = Sums(features, kmeans);
            var kmValues = Enumerable.Range(0, kmeans.CohortCount).Select(kmSums.MeanPairwise).Where(v => !double.IsNaN(v)).ToArray();
            km = kmValues.Length == 0 ? null : kmValues.Average();
        }

        var means = new double[cohorts.CohortCount * d];
        var cohortOf = cohorts.CohortOf.Span;
        for (var r = 0; r < features.Rows; r++)
        {
            var row = features.Row(r);
            var c = cohortOf[r];
            for (var j = 0; j < d; j++) { means[c * d + j] += row[j]; }
        }

        var explanations = new List<CohortExplanation>(cohorts.CohortCount);
        for (var c = 0; c < cohorts.CohortCount; c++)
        {
            var top = Enumerable.Range(0, d)
                .Select(j => new FeatureMean(features.FeatureNames[j], sizes[c] == 0 ? 0 : means[c * d + j] / sizes[c]))
                .OrderByDescending(t => Math.Abs(t.Mean)).Take(3).ToList();
            explanations.Add(new CohortExplanation(c, sizes[c], double.IsNaN(perCohort[c]) ? null : perCohort[c], top));
        }

        var present = sizes.Where(s => s > 0).ToArray();
        return new CohortQualityReport(features.Rows, present.Length, present.Min(), present.Max(),
            present.GroupBy(s => s).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            valid.Length == 0 ? null : valid.Average(), pairs == 0 ? null : pairSum / pairs, double.IsNaN(global) ? 0 : global, km, explanations);
    }

    /// <summary>Sums of the unit rows per cohort (the one shared implementation).</summary>
    private static CentroidSums Sums(FeatureMatrix features, CohortAssignment cohorts)
        => CentroidSums.Compute(features.AsSpan(), features.Dimensions, default, cohorts.CohortOf.Span, cohorts.CohortCount, unitRows: false);
}
