using CohortKit.Features;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Learners planted in groups whose sizes are drawn uniformly from [min, max]: centres N(0, 1) per dimension, each
/// member its centre plus N(0, noise²) per dimension. The planted group of every row is the ground truth.</summary>
internal sealed class PlantedGroups
{
    public PlantedGroups(int groups, int dims, double noise, int min, int max, int seed)
    {
        var rng = new Random(seed);
        var sizes = Enumerable.Range(0, groups).Select(_ => rng.Next(min, max + 1)).ToArray();
        var n = sizes.Sum();
        Truth = new int[n];
        Features = new FeatureMatrix(n, dims);
        var row = 0;
        for (var g = 0; g < groups; g++)
        {
            var centre = Enumerable.Range(0, dims).Select(_ => Gaussian(rng)).ToArray();
            for (var m = 0; m < sizes[g]; m++, row++)
            {
                Truth[row] = g;
                for (var j = 0; j < dims; j++) { Features[row, j] = (float)(centre[j] + noise * Gaussian(rng)); }
            }
        }

        // Shuffle the rows so that the order says nothing about the groups.
        var order = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(order);
        var shuffled = new FeatureMatrix(n, dims);
        var truth = new int[n];
        for (var i = 0; i < n; i++)
        {
            Features.Row(order[i]).CopyTo(shuffled.Row(i));
            truth[i] = Truth[order[i]];
        }

        Features = shuffled;
        Truth = truth;
    }

    public FeatureMatrix Features { get; }

    public int[] Truth { get; }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
