using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Randomness;

namespace CohortKit.Segmentation.Tests;

/// <summary>Data with known ground truth for the simulation tests: every value is drawn from a stated normal distribution.</summary>
internal static class Simulated
{
    /// <summary>One dimension <c>segment</c> with values s0…; learner i of segment s has y ~ N(mean[s] + effect[s]·treated, sd²).</summary>
    public static SegmentationData Data(ulong seed, int[] sizes, double[] means, double[] effects, double sd, double treatedShare = 0.5, double[]? treatedShares = null)
    {
        var rng = new Xoshiro256(seed, 0);
        var n = sizes.Sum();
        var y = new double[n];
        var seg = new int[n];
        var arm = new int[n];
        var i = 0;
        for (var s = 0; s < sizes.Length; s++)
        {
            for (var k = 0; k < sizes[s]; k++, i++)
            {
                var treated = rng.NextDouble() < (treatedShares?[s] ?? treatedShare);
                seg[i] = s;
                arm[i] = treated ? 1 : 0;
                y[i] = means[s] + (treated ? effects[s] : 0) + sd * rng.NextGaussian();
            }
        }

        return new SegmentationData([new MetricColumn("y", y)], [new CategoricalColumn("segment", [.. sizes.Select((_, s) => $"s{s}")], seg)])
        {
            Arm = new CategoricalColumn("arm", ["control", "treatment"], arm),
            ControlArm = "control",
        };
    }

    /// <summary>The 99.9 % normal-approximation band of a binomial proportion.</summary>
    public static (double Low, double High) Band(double p, int trials)
    {
        var half = 3.2905 * Math.Sqrt(p * (1 - p) / trials);
        return (p - half, p + half);
    }
}
