using CohortKit.Features;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Partition measures written out from their textbook definitions, independent of the library.</summary>
internal static class PartitionMeasures
{
    /// <summary>Adjusted Rand index (Hubert and Arabie 1985): (Σ C(n_ij, 2) − E) / (½(Σ C(a_i, 2) + Σ C(b_j, 2)) − E), with
    /// E = Σ C(a_i, 2) · Σ C(b_j, 2) / C(n, 2), from the contingency table of the two labelings.</summary>
    public static double AdjustedRand(int[] a, int[] b)
    {
        static double C2(double x) => x * (x - 1) / 2;
        var n = a.Length;
        var cells = new Dictionary<(int, int), int>();
        var ra = new Dictionary<int, int>();
        var rb = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            cells[(a[i], b[i])] = cells.GetValueOrDefault((a[i], b[i])) + 1;
            ra[a[i]] = ra.GetValueOrDefault(a[i]) + 1;
            rb[b[i]] = rb.GetValueOrDefault(b[i]) + 1;
        }

        var index = cells.Values.Sum(v => C2(v));
        double sa = ra.Values.Sum(v => C2(v)), sb = rb.Values.Sum(v => C2(v));
        var expected = sa * sb / C2(n);
        return (index - expected) / ((sa + sb) / 2 - expected);
    }

    /// <summary>Mean over cohorts (with ≥ 2 members) of the mean cosine over the cohort's pairs, by brute force over pairs in double.</summary>
    public static double MeanIntraCosine(FeatureMatrix features, int[] labels)
    {
        var per = PerCohort(features, labels);
        return per.Where(c => c.Pairs > 0).Average(c => c.Sum / c.Pairs);
    }

    /// <summary>Mean cosine over all within-cohort pairs (large cohorts weigh more), by brute force in double.</summary>
    public static double MeanPairCosine(FeatureMatrix features, int[] labels)
    {
        var per = PerCohort(features, labels);
        return per.Sum(c => c.Sum) / per.Sum(c => c.Pairs);
    }

    private static List<(double Sum, long Pairs)> PerCohort(FeatureMatrix features, int[] labels)
    {
        var result = new List<(double, long)>();
        foreach (var cohort in Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]))
        {
            var m = cohort.ToArray();
            double sum = 0;
            long pairs = 0;
            for (var x = 0; x < m.Length; x++)
            {
                for (var y = x + 1; y < m.Length; y++)
                {
                    double dot = 0, na = 0, nb = 0;
                    var a = features.Row(m[x]);
                    var b = features.Row(m[y]);
                    for (var j = 0; j < a.Length; j++) { dot += (double)a[j] * b[j]; na += (double)a[j] * a[j]; nb += (double)b[j] * b[j]; }
                    sum += dot / Math.Sqrt(na * nb);
                    pairs++;
                }
            }

            result.Add((sum, pairs));
        }

        return result;
    }
}
