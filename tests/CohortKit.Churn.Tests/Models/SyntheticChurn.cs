using CohortKit.Features;

namespace CohortKit.Churn.Tests.Models;

/// <summary>Rows with a known churn probability: P = σ(1.4 x₀ − x₁ + 0.8 x₂ x₃ + 0.6 |x₄| − 2.2), x ~ N(0, 1)⁶ (x₅ is noise).</summary>
internal static class SyntheticChurn
{
    public const int Dimensions = 6;

    public static (FeatureMatrix Features, bool[] Labels, double[] TrueProbability) Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var features = new FeatureMatrix(rows, Dimensions, [.. Enumerable.Range(0, Dimensions).Select(j => $"x{j}")]);
        var labels = new bool[rows];
        var truth = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            var x = new double[Dimensions];
            for (var j = 0; j < Dimensions; j++)
            {
                x[j] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                features[r, j] = (float)x[j];
            }

            var logit = 1.4 * x[0] - x[1] + 0.8 * x[2] * x[3] + 0.6 * Math.Abs(x[4]) - 2.2;
            truth[r] = 1 / (1 + Math.Exp(-logit));
            labels[r] = random.NextDouble() < truth[r];
        }

        return (features, labels, truth);
    }
}
