using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>A test-only logistic regression (Newton–Raphson with an intercept and a tiny ridge) so the uplift tests do not
/// depend on the production models of the churn branch.</summary>
internal sealed class LogisticTestTrainer : IChurnModelTrainer
{
    private const int Iterations = 25;
    private const double Ridge = 1e-6;

    public string Name => "LogisticTest";

    public IChurnModel Fit(FeatureMatrix features, ReadOnlySpan<bool> labels)
    {
        var d = features.Dimensions + 1;
        var beta = new double[d];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var gradient = new double[d];
            var hessian = new double[d, d];
            var x = new double[d];
            for (var i = 0; i < features.Rows; i++)
            {
                Design(features, i, x);
                var p = Sigmoid(Dot(beta, x));
                var w = p * (1 - p);
                var residual = (labels[i] ? 1 : 0) - p;
                for (var a = 0; a < d; a++)
                {
                    gradient[a] += residual * x[a];
                    for (var b = 0; b < d; b++) { hessian[a, b] += w * x[a] * x[b]; }
                }
            }

            for (var a = 0; a < d; a++) { hessian[a, a] += Ridge; gradient[a] -= Ridge * beta[a]; }
            var step = Solve(hessian, gradient);
            for (var a = 0; a < d; a++) { beta[a] += step[a]; }
        }

        return new Model(beta, features.FeatureNames);
    }

    internal sealed class Model(double[] beta, IReadOnlyList<string> names) : IChurnModel
    {
        public IReadOnlyList<string> FeatureNames => names;

        public IReadOnlyList<double> Coefficients => beta;

        public void PredictProbabilities(FeatureMatrix features, Span<double> destination)
        {
            var x = new double[beta.Length];
            for (var i = 0; i < features.Rows; i++)
            {
                Design(features, i, x);
                destination[i] = Sigmoid(Dot(beta, x));
            }
        }
    }

    private static void Design(FeatureMatrix features, int row, double[] x)
    {
        x[0] = 1;
        var r = features.Row(row);
        for (var j = 0; j < r.Length; j++) { x[j + 1] = r[j]; }
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) { s += a[i] * b[i]; }
        return s;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Gaussian elimination with partial pivoting (small, dense, symmetric positive definite).</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var y = (double[])b.Clone();
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++) { if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c])) { pivot = r; } }
            for (var k = 0; k < n; k++) { (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]); }
            (y[c], y[pivot]) = (y[pivot], y[c]);
            for (var r = c + 1; r < n; r++)
            {
                var f = m[r, c] / m[c, c];
                for (var k = c; k < n; k++) { m[r, k] -= f * m[c, k]; }
                y[r] -= f * y[c];
            }
        }

        var result = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = y[r];
            for (var k = r + 1; k < n; k++) { s -= m[r, k] * result[k]; }
            result[r] = s / m[r, r];
        }

        return result;
    }
}
