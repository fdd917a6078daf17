using CohortKit.Features;

namespace CohortKit.Similarity.Tests;

/// <summary>Rows with every value drawn uniformly from [−1, 1) by a seeded <see cref="System.Random"/>: data without structure.</summary>
internal static class UniformFeatures
{
    public static FeatureMatrix Create(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        var m = new FeatureMatrix(rows, dims);
        var s = m.AsSpan();
        for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        return m;
    }
}
