using CohortKit.Churn.Models;

namespace CohortKit.Churn.Tests.Models;

/// <summary>Random trees and rows for the tree scorers' bit-for-bit tests.</summary>
internal static class RandomTrees
{
    /// <summary>A random binary tree with the given number of leaves: each internal node splits the remaining leaves at a random
    /// point, so shapes range from balanced to chains; nodes numbered in creation order, leaves ~index in creation order.</summary>
    public static TreeEnsembleScorer.Tree Tree(Random random, int leaves, int dimensions, float[] grid)
    {
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var leaf = new List<double>();
        int Build(int count)
        {
            if (count == 1)
            {
                leaf.Add(Math.Round((random.NextDouble() * 2) - 1, 3));
                return ~(leaf.Count - 1);
            }

            var node = feature.Count;
            feature.Add(random.Next(dimensions));
            threshold.Add(random.Next(3) == 0 ? (float)random.NextDouble() : grid[random.Next(grid.Length)]);
            left.Add(0);
            right.Add(0);
            var split = random.Next(1, count);
            left[node] = Build(split);
            right[node] = Build(count - split);
            return node;
        }

        Build(leaves);
        return new([.. feature], [.. threshold], [.. left], [.. right], [.. leaf], 0.5 + random.NextDouble());
    }

    /// <summary>Rows of <paramref name="dimensions"/> values: half from <paramref name="grid"/> (thresholds exactly), a tenth
    /// NaN or ±∞, the rest uniform in [−1.5, 2.5).</summary>
    public static float[] Rows(Random random, int rows, int dimensions, float[] grid)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var data = new float[rows * dimensions];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = random.Next(10) switch
            {
                < 5 => grid[random.Next(grid.Length)],
                < 6 => specials[random.Next(3)],
                _ => (float)((random.NextDouble() * 4) - 1.5),
            };
        }

        return data;
    }
}
