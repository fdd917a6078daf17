using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Personalization.Tuning;

/// <summary>A Gaussian-process regression surrogate on the unit cube: zero mean on standardised targets, an ARD Matérn 5/2
/// kernel <c>k(r) = σ²(1 + √5r + 5r²/3)·e^(−√5r)</c>, <c>r² = Σ((x_j − x'_j)/ℓ_j)²</c>, plus Gaussian noise σ_n² on the
/// diagonal. ℓ, σ² and σ_n² maximise the log marginal likelihood (Nelder–Mead on their logarithms, within bounds), so the
/// surrogate is noise-aware: a noisy objective gets a larger σ_n².</summary>
internal sealed class GaussianProcess
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    // Bounds of the log hyperparameters: lengthscales on the unit cube, signal and noise variance of standardised targets.
    private const double MinLogLength = -4.6, MaxLogLength = 3.0;
    private const double MinLogSignal = -4.6, MaxLogSignal = 4.6;
    private const double MinLogNoise = -16.1, MaxLogNoise = 0;

    private readonly double[][] _x;
    private readonly double[] _alpha;
    private readonly double[] _lower; // Cholesky factor L, row-major n × n
    private readonly double[] _inverseLengths;
    private readonly double _signal;
    private readonly double _yMean;
    private readonly double _yScale;

    private GaussianProcess(double[][] x, double[] alpha, double[] lower, double[] logParameters, double yMean, double yScale, double logLikelihood)
    {
        _x = x;
        _alpha = alpha;
        _lower = lower;
        var d = x[0].Length;
        _inverseLengths = new double[d];
        for (var j = 0; j < d; j++) { _inverseLengths[j] = Math.Exp(-logParameters[j]); }
        _signal = Math.Exp(logParameters[d]);
        NoiseVariance = Math.Exp(logParameters[d + 1]) * yScale * yScale;
        LogParameters = logParameters;
        _yMean = yMean;
        _yScale = yScale;
        LogMarginalLikelihood = logLikelihood;
    }

    /// <summary>The fitted log hyperparameters [log ℓ_1..d, log σ², log σ_n²] (a warm start for the next fit).</summary>
    public double[] LogParameters { get; }

    public double LogMarginalLikelihood { get; }

    /// <summary>The fitted noise variance in the objective's units.</summary>
    public double NoiseVariance { get; }

    /// <summary>Fits the surrogate.</summary>
    /// <param name="x">Unit-cube inputs (n ≥ 2, all of the same dimension).</param>
    /// <param name="y">Targets.</param>
    /// <param name="warmStart">Hyperparameters of an earlier fit, or null.</param>
    /// <param name="maxEvaluations">The likelihood evaluations allowed to Nelder–Mead.</param>
    public static GaussianProcess Fit(double[][] x, double[] y, double[]? warmStart, int maxEvaluations)
    {
        var n = y.Length;
        var d = x[0].Length;
        var mean = y.Average();
        var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
        if (!(sd > 0)) { sd = 1; }
        var z = y.Select(v => (v - mean) / sd).ToArray();
        var initial = new double[d + 2];
        for (var j = 0; j < d; j++) { initial[j] = Math.Log(0.3 * Math.Sqrt(d)); }
        initial[d] = 0;
        initial[d + 1] = Math.Log(1e-3);
        var start = initial;
        if (warmStart is { Length: var length } && length == d + 2 && Objective(x, z, warmStart) < Objective(x, z, initial)) { start = warmStart; }
        var (best, value) = NelderMead.Minimize(p => Objective(x, z, p), start, step: 0.5, maxEvaluations);
        var parameters = Clamp(best);
        var (alpha, lower, _) = Factor(x, z, parameters) ?? throw new InvalidOperationException("The surrogate's kernel matrix is not positive definite.");
        return new GaussianProcess(x, alpha, lower, parameters, mean, sd, -value);
    }

    /// <summary>The posterior mean and standard deviation of the latent objective at a unit-cube point.</summary>
    public (double Mean, double StandardDeviation) Predict(ReadOnlySpan<double> point, Span<double> scratch)
    {
        var n = _x.Length;
        var k = scratch[..n];
        for (var i = 0; i < n; i++) { k[i] = Kernel(_x[i], point, _inverseLengths, _signal); }
        var mean = 0.0;
        for (var i = 0; i < n; i++) { mean += k[i] * _alpha[i]; }
        // v = L⁻¹k by forward substitution, in place; variance = σ² − vᵀv.
        var vv = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = _lower.AsSpan(i * n, i);
            var s = k[i];
            for (var j = 0; j < i; j++) { s -= row[j] * k[j]; }
            k[i] = s / _lower[(i * n) + i];
            vv += k[i] * k[i];
        }

        var variance = Math.Max(_signal - vv, 1e-12);
        return ((mean * _yScale) + _yMean, Math.Sqrt(variance) * _yScale);
    }

    private static double Objective(double[][] x, double[] z, double[] logParameters)
    {
        var p = Clamp(logParameters);
        var penalty = 0.0;
        for (var j = 0; j < p.Length; j++) { penalty += (p[j] - logParameters[j]) * (p[j] - logParameters[j]); }
        return Factor(x, z, p) is { } f ? -f.LogLikelihood + penalty : double.MaxValue;
    }

    private static (double[] Alpha, double[] Lower, double LogLikelihood)? Factor(double[][] x, double[] z, double[] p)
    {
        var n = z.Length;
        var d = x[0].Length;
        var inverseLengths = new double[d];
        for (var j = 0; j < d; j++) { inverseLengths[j] = Math.Exp(-p[j]); }
        var signal = Math.Exp(p[d]);
        var noise = Math.Exp(p[d + 1]) + 1e-10;
        var storage = new double[n * n]; // column-major for MathNet
        for (var i = 0; i < n; i++)
        {
            storage[(i * n) + i] = signal + noise;
            for (var j = 0; j < i; j++) { storage[(j * n) + i] = storage[(i * n) + j] = Kernel(x[i], x[j], inverseLengths, signal); }
        }

        var matrix = Matrix<double>.Build.Dense(n, n, storage);
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
        try { cholesky = matrix.Cholesky(); }
        catch (ArgumentException) { return null; }

        var alpha = cholesky.Solve(Vector<double>.Build.Dense(z)).ToArray();
        var fit = 0.0;
        for (var i = 0; i < n; i++) { fit += z[i] * alpha[i]; }
        var logLikelihood = (-0.5 * fit) - (0.5 * cholesky.DeterminantLn) - (0.5 * n * Math.Log(2 * Math.PI));
        if (!double.IsFinite(logLikelihood)) { return null; }
        var factor = cholesky.Factor;
        var lower = new double[n * n];
        for (var i = 0; i < n; i++) { for (var j = 0; j <= i; j++) { lower[(i * n) + j] = factor[i, j]; } }
        return (alpha, lower, logLikelihood);
    }

    private static double Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double[] inverseLengths, double signal)
    {
        var r2 = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var t = (a[j] - b[j]) * inverseLengths[j];
            r2 += t * t;
        }

        var r = Math.Sqrt(r2);
        return signal * (1 + (Sqrt5 * r) + (5.0 / 3 * r2)) * Math.Exp(-Sqrt5 * r);
    }

    private static double[] Clamp(double[] p)
    {
        var d = p.Length - 2;
        var result = new double[p.Length];
        for (var j = 0; j < d; j++) { result[j] = Math.Clamp(p[j], MinLogLength, MaxLogLength); }
        result[d] = Math.Clamp(p[d], MinLogSignal, MaxLogSignal);
        result[d + 1] = Math.Clamp(p[d + 1], MinLogNoise, MaxLogNoise);
        return result;
    }
}
