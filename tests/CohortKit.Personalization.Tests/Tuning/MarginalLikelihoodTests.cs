using System.Text.Json;
using CohortKit.Personalization.Tuning;
using CohortKit.Randomness;
using CohortKit.Testing;

namespace CohortKit.Personalization.Tests.Tuning;

/// <summary>The surrogate's log marginal likelihood and its analytic gradient against scikit-learn
/// (tests/reference/personalization/gp_marginal_likelihood.json) and against central finite differences.</summary>
public sealed class MarginalLikelihoodTests
{
    private const string File = "personalization/gp_marginal_likelihood.json";

    [Fact]
    public void Evaluate_ReferenceCases_MatchScikitLearnValueAndGradient()
    {
        var cases = SharedData.Cases(File).ToList();
        cases.Should().HaveCount(9);
        foreach (var c in cases)
        {
            var (x, z) = TrainingSet(c);
            var theta = c.Doubles("theta");
            var gradient = new double[theta.Length];
            var value = new MarginalLikelihood(x, z).Evaluate(theta, gradient);
            value.Should().NotBeNull();
            var expected = c.GetProperty("logMarginalLikelihood").GetDouble();
            value!.Value.Should().BeApproximately(expected, 1e-8 * Math.Max(1, Math.Abs(expected)));
            var expectedGradient = c.Doubles("gradient");
            for (var p = 0; p < theta.Length; p++)
            {
                gradient[p].Should().BeApproximately(expectedGradient[p], 1e-7 * Math.Max(1, Math.Abs(expectedGradient[p])), $"∂/∂θ_{p} (n = {z.Length})");
            }
        }
    }

    [Fact]
    public void Evaluate_Gradient_MatchesCentralFiniteDifferences()
    {
        var random = new Xoshiro256(11, 3);
        const int n = 30, d = 4;
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var z = x.Select(r => Math.Cos(5 * r[0]) + r[1] - (2 * r[2] * r[3])).ToArray();
        var likelihood = new MarginalLikelihood(x, z);
        double[][] thetas = [[-1.2, -0.4, 0.3, -2.0, 0.2, -5.0], [0.5, -1.0, -1.5, 0.0, -0.7, -1.2], [-3.0, 1.5, -0.2, -0.9, 1.1, -12.0]];
        foreach (var theta in thetas)
        {
            var gradient = new double[theta.Length];
            likelihood.Evaluate(theta, gradient).Should().NotBeNull();
            for (var p = 0; p < theta.Length; p++)
            {
                var numeric = CentralDifference(t => likelihood.Evaluate(t, [])!.Value, theta, p, 1e-5);
                gradient[p].Should().BeApproximately(numeric, 1e-5 * Math.Max(1, Math.Abs(numeric)), $"∂/∂θ_{p} at [{string.Join(", ", theta)}]");
            }
        }
    }

    [Fact]
    public void FitObjective_WithLengthscalePrior_GradientMatchesCentralFiniteDifferences()
    {
        // −(log marginal likelihood + Σ_j (2 − 1)·log ℓ_j − 4ℓ_j): the prior's part written out here, the rest from the class.
        var random = new Xoshiro256(2, 7);
        const int n = 20, d = 3;
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var z = x.Select(r => r[0] - (r[1] * r[2])).ToArray();
        var likelihood = new MarginalLikelihood(x, z);
        double[] theta = [-0.7, 0.4, -1.9, 0.3, -4.0];
        var gradient = new double[theta.Length];
        var value = GaussianProcess.NegativeLogLikelihood(likelihood, theta, gradient);
        var prior = theta[..d].Sum(t => t - (4 * Math.Exp(t)));
        value.Should().BeApproximately(-(likelihood.Evaluate(theta, [])!.Value + prior), 1e-10);
        for (var p = 0; p < theta.Length; p++)
        {
            var numeric = CentralDifference(t => GaussianProcess.NegativeLogLikelihood(likelihood, t, []), theta, p, 1e-5);
            gradient[p].Should().BeApproximately(numeric, 1e-5 * Math.Max(1, Math.Abs(numeric)), $"∂/∂θ_{p}");
        }
    }

    [Fact]
    public void PredictStandardized_Gradients_MatchCentralFiniteDifferences()
    {
        var random = new Xoshiro256(5, 8);
        const int n = 25, d = 3;
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var y = x.Select(r => Math.Sin(4 * r[0]) + (r[1] * r[1]) - r[2]).ToArray();
        var gp = GaussianProcess.Fit(x, y, null, 200);
        var scratch = new double[3 * n];
        var meanGradient = new double[d];
        var varianceGradient = new double[d];
        for (var t = 0; t < 5; t++)
        {
            var point = Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray();
            gp.PredictStandardized(point, scratch, meanGradient, varianceGradient);
            for (var j = 0; j < d; j++)
            {
                meanGradient[j].Should().BeApproximately(CentralDifference(q => gp.PredictStandardized(q, scratch, [], []).Mean, point, j, 1e-6), 1e-5, $"∂μ/∂x_{j}");
                varianceGradient[j].Should().BeApproximately(CentralDifference(q => gp.PredictStandardized(q, scratch, [], []).Variance, point, j, 1e-6), 1e-5, $"∂σ²/∂x_{j}");
            }
        }
    }

    [Fact]
    public void PredictBlock_EqualsOnePointAtATime()
    {
        var random = new Xoshiro256(9, 1);
        const int n = 40, d = 5, b = 37;
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var gp = GaussianProcess.Fit(x, x.Select(r => r.Sum() + Math.Sin(3 * r[0])).ToArray(), null, 100);
        var points = Enumerable.Range(0, b * d).Select(i => i < d ? x[3][i] : random.NextDouble()).ToArray(); // the first is an observed point
        var means = new double[b];
        var variances = new double[b];
        gp.PredictBlock(points, means, variances, new double[n * b]);
        var scratch = new double[n];
        for (var c = 0; c < b; c++)
        {
            var (mean, variance) = gp.PredictStandardized(points.AsSpan(c * d, d), scratch, [], []);
            means[c].Should().BeApproximately(mean, 1e-10);
            variances[c].Should().BeApproximately(variance, 1e-10);
        }
    }

    /// <summary>(f(θ + h e_p) − f(θ − h e_p)) / 2h.</summary>
    private static double CentralDifference(Func<double[], double> f, double[] theta, int p, double h)
    {
        var plus = (double[])theta.Clone();
        var minus = (double[])theta.Clone();
        plus[p] += h;
        minus[p] -= h;
        return (f(plus) - f(minus)) / (2 * h);
    }

    private static (double[][] X, double[] Z) TrainingSet(JsonElement c) =>
        ([.. c.GetProperty("x").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())], c.Doubles("z"));
}
