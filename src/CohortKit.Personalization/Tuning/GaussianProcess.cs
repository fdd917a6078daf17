using System.Numerics.Tensors;

namespace CohortKit.Personalization.Tuning;

/// <summary>A Gaussian-process regression surrogate on the unit cube: zero mean on standardised targets, an ARD Matérn 5/2
/// kernel <c>k(r) = σ²(1 + √5r + 5r²/3)·e^(−√5r)</c>, <c>r² = Σ((x_j − x'_j)/ℓ_j)²</c>, plus Gaussian noise σ_n² on the
/// diagonal. ℓ, σ² and σ_n² maximise the log marginal likelihood (Nelder–Mead on their logarithms, within bounds; each evaluation factors the kernel matrix in place in buffers shared
/// by the whole fit, with the inputs' squared differences computed once), so the
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
        var workspace = new Workspace(x, z);
        if (warmStart is { Length: var length } && length == d + 2 && Objective(workspace, warmStart) < Objective(workspace, initial)) { start = warmStart; }
        var (best, value) = NelderMead.Minimize(p => Objective(workspace, p), start, step: 0.5, maxEvaluations);
        var parameters = Clamp(best);
        if (Factor(workspace, parameters) is null) { throw new InvalidOperationException("The surrogate's kernel matrix is not positive definite."); }
        return new GaussianProcess(x, workspace.Alpha, workspace.Lower, parameters, mean, sd, -value);
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
            var s = k[i] - TensorPrimitives.Dot(_lower.AsSpan(i * n, i), (ReadOnlySpan<double>)k[..i]);
            k[i] = s / _lower[(i * n) + i];
            vv += k[i] * k[i];
        }

        var variance = Math.Max(_signal - vv, 1e-12);
        return ((mean * _yScale) + _yMean, Math.Sqrt(variance) * _yScale);
    }

    private static double Objective(Workspace w, double[] logParameters)
    {
        var p = Clamp(logParameters);
        var penalty = 0.0;
        for (var j = 0; j < p.Length; j++) { penalty += (p[j] - logParameters[j]) * (p[j] - logParameters[j]); }
        return Factor(w, p) is { } logLikelihood ? -logLikelihood + penalty : double.MaxValue;
    }

    /// <summary>Builds K = k(x_i, x_j) + σ_n²I from the workspace's squared differences, factors it in place (Cholesky,
    /// lower triangle of <see cref="Workspace.Lower"/>), solves α = K⁻¹z into <see cref="Workspace.Alpha"/> and returns the log
    /// marginal likelihood, or null when K is not positive definite or the likelihood is not finite.</summary>
    private static double? Factor(Workspace w, double[] p)
    {
        var n = w.N;
        var d = w.D;
        Span<double> inverseSquaredLengths = stackalloc double[d];
        for (var j = 0; j < d; j++) { inverseSquaredLengths[j] = Math.Exp(-2 * p[j]); }
        var signal = Math.Exp(p[d]);
        var noise = Math.Exp(p[d + 1]) + 1e-10;
        var lower = w.Lower;
        var squared = w.SquaredDifferences;
        for (var i = 0; i < n; i++)
        {
            lower[(i * n) + i] = signal + noise;
            for (var j = 0; j < i; j++)
            {
                var pair = squared.AsSpan(PairIndex(i, j) * d, d);
                var r2 = 0.0;
                for (var c = 0; c < d; c++) { r2 += pair[c] * inverseSquaredLengths[c]; }
                lower[(i * n) + j] = Matern(r2, signal);
            }
        }

        // Cholesky–Banachiewicz in place, row by row: L[i, j] = (K[i, j] − Σ_{c<j} L[i, c]L[j, c]) / L[j, j].
        var logDeterminant = 0.0;
        for (var i = 0; i < n; i++)
        {
            var rowI = lower.AsSpan(i * n, n);
            for (var j = 0; j < i; j++)
            {
                var rowJ = lower.AsSpan(j * n, j);
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], rowJ)) / lower[(j * n) + j];
            }

            var diagonal = rowI[i] - TensorPrimitives.Dot(rowI[..i], (ReadOnlySpan<double>)rowI[..i]);
            if (!(diagonal > 0)) { return null; }
            rowI[i] = Math.Sqrt(diagonal);
            logDeterminant += 2 * Math.Log(rowI[i]);
        }

        // α = L⁻ᵀ L⁻¹ z.
        var alpha = w.Alpha;
        for (var i = 0; i < n; i++)
        {
            var s = w.Z[i] - TensorPrimitives.Dot(lower.AsSpan(i * n, i), (ReadOnlySpan<double>)alpha.AsSpan(0, i));
            alpha[i] = s / lower[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = alpha[i];
            for (var c = i + 1; c < n; c++) { s -= lower[(c * n) + i] * alpha[c]; }
            alpha[i] = s / lower[(i * n) + i];
        }

        var fit = 0.0;
        for (var i = 0; i < n; i++) { fit += w.Z[i] * alpha[i]; }
        var logLikelihood = (-0.5 * fit) - (0.5 * logDeterminant) - (0.5 * n * Math.Log(2 * Math.PI));
        return double.IsFinite(logLikelihood) ? logLikelihood : null;
    }

    private static int PairIndex(int i, int j) => (i * (i - 1) / 2) + j;

    private static double Matern(double r2, double signal)
    {
        var r = Math.Sqrt(r2);
        return signal * (1 + (Sqrt5 * r) + (5.0 / 3 * r2)) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>The buffers of one fit, reused by every likelihood evaluation: the per-dimension squared differences of
    /// each pair of inputs (they do not depend on the hyperparameters), the factor and α.</summary>
    private sealed class Workspace
    {
        public Workspace(double[][] x, double[] z)
        {
            N = z.Length;
            D = x[0].Length;
            Z = z;
            SquaredDifferences = new double[N * (N - 1) / 2 * D];
            for (var i = 0; i < N; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    var pair = SquaredDifferences.AsSpan(PairIndex(i, j) * D, D);
                    for (var c = 0; c < D; c++) { pair[c] = (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]); }
                }
            }

            Lower = new double[N * N];
            Alpha = new double[N];
        }

        public int N { get; }

        public int D { get; }

        public double[] Z { get; }

        public double[] SquaredDifferences { get; }

        /// <summary>The Cholesky factor, row-major; only the lower triangle is meaningful.</summary>
        public double[] Lower { get; }

        public double[] Alpha { get; }
    }

    private static double Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double[] inverseLengths, double signal)
    {
        var r2 = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var t = (a[j] - b[j]) * inverseLengths[j];
            r2 += t * t;
        }

        return Matern(r2, signal);
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
