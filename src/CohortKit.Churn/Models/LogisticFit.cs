using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Churn.Models;

/// <summary>The maximum-likelihood logistic regression P(y) = σ(c + Σ βⱼ xⱼ) on a few columns, by Newton's method with step
/// halving on standardised columns: Platt calibration (one column, <see cref="Calibrator"/>) and the blend's stacking (one
/// column per member, <see cref="BlendScorer"/>).</summary>
internal static class LogisticFit
{
    /// <summary>Fits the slopes and intercept.</summary>
    /// <param name="columns">The columns, each of the labels' length (a constant one is left at its start slope's effect: its
    /// deviation is taken as 1).</param>
    /// <param name="labels">The outcomes.</param>
    /// <param name="initialSlope">Every slope's start on the standardised columns (the intercept starts at 0).</param>
    /// <returns>The slopes on the raw columns and the intercept on the raw scale.</returns>
    public static (double[] Slopes, double Intercept) Fit(double[][] columns, ReadOnlySpan<bool> labels, double initialSlope)
    {
        var m = columns.Length;
        var n = labels.Length;
        var mean = new double[m];
        var sd = new double[m];
        var x = new double[m][];
        for (var j = 0; j < m; j++)
        {
            var mj = mean[j] = columns[j].Average();
            var v = Math.Sqrt(columns[j].Sum(c => (c - mj) * (c - mj)) / n);
            sd[j] = v > 0 ? v : 1;
            x[j] = [.. columns[j].Select(c => (c - mj) / sd[j])];
        }

        var y = new double[n];
        for (var i = 0; i < n; i++) { y[i] = labels[i] ? 1 : 0; }
        var beta = new double[m + 1]; // slopes, then the intercept
        for (var j = 0; j < m; j++) { beta[j] = initialSlope; }
        var loss = Loss(x, y, beta);
        var row = new double[m + 1];
        row[m] = 1;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var gradient = Vector<double>.Build.Dense(m + 1);
            var hessian = Matrix<double>.Build.Dense(m + 1, m + 1);
            for (var i = 0; i < n; i++)
            {
                var t = beta[m];
                for (var j = 0; j < m; j++) { row[j] = x[j][i]; t += beta[j] * row[j]; }
                var p = 1 / (1 + Math.Exp(-t));
                var w = Math.Max(p * (1 - p), 1e-12);
                for (var a = 0; a <= m; a++)
                {
                    gradient[a] += (p - y[i]) * row[a];
                    for (var b = 0; b <= a; b++) { hessian[a, b] += w * row[a] * row[b]; }
                }
            }

            for (var a = 0; a <= m; a++)
            {
                hessian[a, a] += 1e-9 * n; // solvable when two columns are collinear; the fixed point (gradient 0) is unchanged
                for (var b = 0; b < a; b++) { hessian[b, a] = hessian[a, b]; }
            }

            var direction = hessian.Cholesky().Solve(gradient);
            var step = 1.0;
            double[] next;
            double nextLoss;
            while (true)
            {
                next = [.. beta.Select((b, a) => b - (step * direction[a]))];
                nextLoss = Loss(x, y, next);
                if (nextLoss <= loss || step < 1e-8) { break; }
                step /= 2;
            }

            var improvement = loss - nextLoss;
            if (improvement < 0) { break; }
            beta = next;
            loss = nextLoss;
            if (direction.L1Norm() * step < 1e-10 || improvement < 1e-14 * n) { break; }
        }

        var slopes = new double[m];
        var intercept = beta[m];
        for (var j = 0; j < m; j++)
        {
            slopes[j] = beta[j] / sd[j];
            intercept -= slopes[j] * mean[j];
        }

        return (slopes, intercept);
    }

    /// <summary>The negative log-likelihood; −log p = log(1 + e^{−t}) for a positive, log(1 + e^{t}) otherwise, computed stably.</summary>
    private static double Loss(double[][] x, double[] y, double[] beta)
    {
        var m = x.Length;
        var loss = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            var t = beta[m];
            for (var j = 0; j < m; j++) { t += beta[j] * x[j][i]; }
            var u = y[i] > 0 ? -t : t;
            loss += u > 0 ? u + double.LogP1(Math.Exp(-u)) : double.LogP1(Math.Exp(u));
        }

        return loss;
    }
}
