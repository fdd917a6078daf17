using CohortKit.Features;

namespace CohortKit.Benchmarks.Churn;

/// <summary>The synthetic churn rows of the churn benchmarks: x ~ U(0, 1)³⁰, P(churn) = σ(3x₀ − 2x₁ + x₂x₃ − 1.5).</summary>
internal static class ChurnBenchmarkData
{
    public const int Dimensions = 30;

    /// <summary>Fills <paramref name="rows"/> rows (touched here, in the setup) and draws a label for the first
    /// <paramref name="labelled"/> of them.</summary>
    public static (FeatureMatrix Features, bool[] Labels) Generate(int rows, int labelled, int seed = 42)
    {
        var random = new Random(seed);
        var features = new FeatureMatrix(rows, Dimensions);
        var labels = new bool[labelled];
        for (var r = 0; r < rows; r++)
        {
            var x = features.Row(r);
            for (var j = 0; j < Dimensions; j++) { x[j] = (float)random.NextDouble(); }
            if (r < labelled) { labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-(3 * x[0] - 2 * x[1] + x[2] * x[3] - 1.5))); }
        }

        return (features, labels);
    }

    /// <summary>A copy of the first <paramref name="rows"/> rows of <paramref name="features"/> (the labelled training rows).</summary>
    public static FeatureMatrix Head(FeatureMatrix features, int rows)
    {
        var head = new FeatureMatrix(rows, features.Dimensions);
        features.AsSpan()[..(rows * features.Dimensions)].CopyTo(head.AsSpan());
        return head;
    }
}
