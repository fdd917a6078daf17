using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Learners;

namespace CohortKit.Segmentation.Discovery;

/// <summary>Profiles clusters in attribute terms: for every attribute value, its share in the cluster against its share
/// overall (the lift) and Experiments' two-proportion z-test of the cluster against the other learners, Benjamini–Hochberg
/// over the cluster's values.</summary>
internal static class AttributeProfiler
{
    public static IReadOnlyList<AttributeLift>[] Profile(int[] labels, int k, IReadOnlyList<CategoricalColumn> attributes, double alpha, int size)
    {
        var n = labels.Length;
        var clusterSizes = new int[k];
        foreach (var l in labels) { clusterSizes[l]++; }
        var candidates = Enumerable.Range(0, k).Select(_ => new List<(AttributeLift Lift, double P)>()).ToArray();
        foreach (var column in attributes)
        {
            var values = column.Categories.Count;
            var counts = new int[k * values];
            var totals = new int[values];
            var codes = column.Codes;
            for (var i = 0; i < n; i++) { counts[labels[i] * values + codes[i]]++; totals[codes[i]]++; }
            for (var c = 0; c < k; c++)
            {
                for (var v = 0; v < values; v++)
                {
                    var inCluster = counts[c * values + v];
                    if (inCluster == 0 || clusterSizes[c] < 2 || n - clusterSizes[c] < 2)
                    {
                        continue;
                    }

                    double p;
                    try
                    {
                        p = TwoProportionZTest.Compute(totals[v] - inCluster, n - clusterSizes[c], inCluster, clusterSizes[c], alpha).PValue;
                    }
                    catch (ArgumentException)
                    {
                        continue; // every learner has the value: nothing to test
                    }

                    double clusterShare = (double)inCluster / clusterSizes[c], overallShare = (double)totals[v] / n;
                    candidates[c].Add((new AttributeLift
                    {
                        Attribute = column.Name,
                        Value = column.Categories[v],
                        ClusterShare = clusterShare,
                        OverallShare = overallShare,
                        Lift = clusterShare / overallShare,
                        PValue = p,
                        AdjustedPValue = p,
                    }, p));
                }
            }
        }

        return [.. candidates.Select(list =>
        {
            var adjusted = MultipleTesting.Adjust(list.Select(x => x.P).ToArray(), Correction.BenjaminiHochberg);
            return (IReadOnlyList<AttributeLift>)[.. list.Select((x, i) => x.Lift with { AdjustedPValue = adjusted[i] })
                .Where(l => l.Lift > 1 && l.AdjustedPValue < alpha)
                .OrderByDescending(l => l.Lift).ThenBy(l => l.Attribute, StringComparer.Ordinal).ThenBy(l => l.Value, StringComparer.Ordinal)
                .Take(size)];
        })];
    }
}
