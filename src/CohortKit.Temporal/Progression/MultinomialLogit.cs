using CohortKit.Errors;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Temporal.Progression;

/// <summary>The fit of one multinomial logistic regression.</summary>
/// <param name="Coefficients">[class k − 1][j]: class k's log-odds against class 0 (the reference), j = 0 the intercept.</param>
/// <param name="StandardErrors">Square roots of the diagonal of the inverse negative Hessian, in the same layout.</param>
/// <param name="LogLikelihood">The log-likelihood at the estimate (without the penalty).</param>
/// <param name="Iterations">Newton iterations taken.</param>
internal sealed record MultinomialFit(double[][] Coefficients, double[][] StandardErrors, double LogLikelihood, int Iterations);

/// <summary>
/// Multinomial logistic regression by Newton–Raphson with step halving: P(y = k | x) = exp(xᵀβₖ) / Σⱼ exp(xᵀβⱼ), β₀ = 0
/// (class 0 is the reference, as statsmodels' MNLogit), x = (1, covariates). With <c>l2</c> > 0 the objective is
/// log-likelihood − (l2 / 2)·Σ β² over the slopes (the intercepts are not penalised). The objective is concave, so Newton's
/// method from β = 0 converges when the maximum exists.
/// </summary>
internal static class MultinomialLogit
{
    private const int MaxIterations = 200;
    private const double StepTolerance = 1e-10;
    private const double SeparationBound = 50;

    /// <param name="x">Covariates, row-major, <paramref name="rows"/> × <paramref name="covariates"/> (no intercept column).</param>
    /// <param name="y">Class of each row, in [0, classes).</param>
    /// <param name="rows">Rows.</param>
    /// <param name="covariates">Covariates per row.</param>
    /// <param name="classes">Classes, at least 2, each observed.</param>
    /// <param name="l2">The ridge penalty on the slopes, ≥ 0.</param>
    /// <param name="label">What is fitted, for the error message.</param>
    /// <exception cref="CohortKitException">The maximum does not exist (the covariates separate the classes) or Newton's
    /// method does not converge; a positive l2 always gives a maximum.</exception>
    public static MultinomialFit Fit(ReadOnlySpan<double> x, ReadOnlySpan<int> y, int rows, int covariates, int classes, double l2, string label)
    {
        int p = covariates + 1, m = classes - 1, dim = m * p;
        var beta = new double[dim];
        var eta = new double[classes];
        var current = Objective(x, y, rows, covariates, classes, beta, l2, eta, out var logLik);
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            var (gradient, information) = Derivatives(x, y, rows, covariates, classes, beta, l2, eta);
            var step = information.Cholesky().Solve(gradient);
            var scale = 1.0;
            double[] next;
            double value;
            while (true)
            {
                next = new double[dim];
                for (var i = 0; i < dim; i++) { next[i] = beta[i] + scale * step[i]; }
                value = Objective(x, y, rows, covariates, classes, next, l2, eta, out logLik);
                if (value >= current - 1e-12 * Math.Abs(current) || scale < 1e-6) { break; }
                scale /= 2;
            }

            var change = 0.0;
            for (var i = 0; i < dim; i++) { change = Math.Max(change, Math.Abs(next[i] - beta[i])); }
            beta = next;
            current = value;
            if (beta.Any(b => Math.Abs(b) > SeparationBound))
            {
                throw new CohortKitException($"{label}: a coefficient passed ±{SeparationBound} (the covariates separate the next states, so the maximum-likelihood estimate does not exist); set a positive L2 penalty.");
            }

            if (change < StepTolerance * (1 + beta.Max(Math.Abs)))
            {
                var (_, final) = Derivatives(x, y, rows, covariates, classes, beta, l2, eta);
                var inverse = final.Inverse();
                return new MultinomialFit(Rows(beta, m, p), Rows(Enumerable.Range(0, dim).Select(i => Math.Sqrt(inverse[i, i])).ToArray(), m, p), logLik, iteration);
            }
        }

        throw new CohortKitException($"{label}: Newton's method did not converge in {MaxIterations} iterations; set a positive L2 penalty.");
    }

    private static double[][] Rows(double[] flat, int m, int p) => Enumerable.Range(0, m).Select(k => flat.AsSpan(k * p, p).ToArray()).ToArray();

    // Penalised log-likelihood; eta is scratch of length classes.
    private static double Objective(ReadOnlySpan<double> x, ReadOnlySpan<int> y, int rows, int q, int classes, double[] beta, double l2, double[] eta, out double logLik)
    {
        var p = q + 1;
        logLik = 0;
        for (var i = 0; i < rows; i++)
        {
            var lse = Linear(x.Slice(i * q, q), beta, p, classes, eta);
            logLik += eta[y[i]] - lse;
        }

        return logLik - 0.5 * l2 * Penalty(beta, p);
    }

    private static (Vector<double> Gradient, Matrix<double> Information) Derivatives(ReadOnlySpan<double> x, ReadOnlySpan<int> y, int rows, int q, int classes, double[] beta, double l2, double[] eta)
    {
        int p = q + 1, m = classes - 1, dim = m * p;
        var g = new double[dim];
        var h = new double[dim, dim];
        var row = new double[p];
        var pi = new double[classes];
        for (var i = 0; i < rows; i++)
        {
            row[0] = 1;
            x.Slice(i * q, q).CopyTo(row.AsSpan(1));
            var lse = Linear(x.Slice(i * q, q), beta, p, classes, eta);
            for (var k = 0; k < classes; k++) { pi[k] = Math.Exp(eta[k] - lse); }
            for (var k = 1; k < classes; k++)
            {
                var residual = (y[i] == k ? 1 : 0) - pi[k];
                for (var a = 0; a < p; a++) { g[(k - 1) * p + a] += residual * row[a]; }
                for (var l = 1; l < classes; l++)
                {
                    var w = (k == l ? pi[k] : 0) - pi[k] * pi[l];
                    if (w == 0) { continue; }
                    for (var a = 0; a < p; a++)
                    {
                        var wa = w * row[a];
                        for (var b = 0; b < p; b++) { h[(k - 1) * p + a, (l - 1) * p + b] += wa * row[b]; }
                    }
                }
            }
        }

        for (var k = 0; k < m; k++)
        {
            for (var a = 1; a < p; a++)
            {
                g[k * p + a] -= l2 * beta[k * p + a];
                h[k * p + a, k * p + a] += l2;
            }
        }

        return (Vector<double>.Build.DenseOfArray(g), Matrix<double>.Build.DenseOfArray(h));
    }

    // eta[k] = x·β_k (eta[0] = 0); returns log Σ exp(eta), computed stably.
    private static double Linear(ReadOnlySpan<double> covariates, double[] beta, int p, int classes, double[] eta)
    {
        eta[0] = 0;
        var max = 0.0;
        for (var k = 1; k < classes; k++)
        {
            var offset = (k - 1) * p;
            var e = beta[offset];
            for (var a = 1; a < p; a++) { e += beta[offset + a] * covariates[a - 1]; }
            eta[k] = e;
            max = Math.Max(max, e);
        }

        var sum = 0.0;
        for (var k = 0; k < classes; k++) { sum += Math.Exp(eta[k] - max); }
        return max + Math.Log(sum);
    }

    private static double Penalty(double[] beta, int p)
    {
        var s = 0.0;
        for (var i = 0; i < beta.Length; i++) { if (i % p != 0) { s += beta[i] * beta[i]; } }
        return s;
    }
}
