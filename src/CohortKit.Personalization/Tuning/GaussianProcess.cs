using System.Numerics.Tensors;

namespace CohortKit.Personalization.Tuning;

/// <summary>A Gaussian-process regression surrogate on the unit cube: zero mean on standardised targets, an ARD Matérn 5/2
/// kernel <c>k(r) = σ²(1 + √5r + 5r²/3)·e^(−√5r)</c>, <c>r² = Σ((x_j − x'_j)/ℓ_j)²</c>, plus Gaussian noise σ_n² on the
/// diagonal. ℓ, σ² and σ_n² maximise the log marginal likelihood (<see cref="MarginalLikelihood"/>: value and analytic
/// gradient) plus a Gamma(2, 4) log prior on each lengthscale, by BFGS on their logarithms within bounds, from the previous fit's values when they are better than the
/// default start; so the surrogate is noise-aware: a noisy objective gets a larger σ_n².</summary>
internal sealed class GaussianProcess
{
    private const double MinLogLength = -4.6, MaxLogLength = 3.0;
    private const double MinLogSignal = -4.6, MaxLogSignal = 4.6;
    private const double MinLogNoise = -16.1, MaxLogNoise = 0;

    // Gamma(shape 2, rate 4) prior on each lengthscale (log density up to a constant: (shape − 1)·log ℓ − rate·ℓ; mode 1/4,
    // mean 1/2 of the unit cube's side): it keeps a lengthscale from running off to "irrelevant dimension" on few noisy points,
    // which left the search stuck in one basin (decisions.md; BoTorch's default is Gamma(3, 6), which did worse here).
    private const double LengthPriorShape = 2, LengthPriorRate = 4;

    private readonly double[][] _x;
    private readonly double[] _alpha;
    private readonly double[] _lower; // Cholesky factor L, row-major n × n
    private readonly double[] _upper; // Lᵀ, row-major, so that back substitution reads rows
    private readonly double[] _inverseSquaredLengths;
    private readonly double _signal;
    private readonly double _yMean;
    private readonly double _yScale;

    private GaussianProcess(double[][] x, MarginalLikelihood fit, double[] logParameters, double yMean, double yScale, double logLikelihood)
    {
        _x = x;
        _alpha = fit.Alpha;
        _lower = fit.Lower;
        var n = x.Length;
        _upper = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++) { _upper[(j * n) + i] = _lower[(i * n) + j]; }
        }

        var d = x[0].Length;
        _inverseSquaredLengths = new double[d];
        for (var j = 0; j < d; j++) { _inverseSquaredLengths[j] = Math.Exp(-2 * logParameters[j]); }
        _signal = Math.Exp(logParameters[d]);
        NoiseVariance = Math.Exp(logParameters[d + 1]) * yScale * yScale;
        LogParameters = logParameters;
        _yMean = yMean;
        _yScale = yScale;
        LogMarginalLikelihood = logLikelihood;
    }

    /// <summary>Gets the fitted log hyperparameters [log ℓ_1..d, log σ², log σ_n²] (a warm start for the next fit).</summary>
    public double[] LogParameters { get; }

    /// <summary>Gets the log marginal likelihood of the standardised targets at the fitted hyperparameters.</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>Gets the fitted noise variance in the objective's units.</summary>
    public double NoiseVariance { get; }

    /// <summary>Gets the number of training points.</summary>
    public int Count => _x.Length;

    /// <summary>Fits the surrogate.</summary>
    /// <param name="x">Unit-cube inputs (n ≥ 2, all of the same dimension).</param>
    /// <param name="y">Targets.</param>
    /// <param name="warmStart">Hyperparameters of an earlier fit, or null.</param>
    /// <param name="maxEvaluations">The likelihood evaluations (each with its gradient) allowed to BFGS.</param>
    /// <returns>The fitted surrogate.</returns>
    /// <exception cref="InvalidOperationException">The kernel matrix is not positive definite even at the start.</exception>
    public static GaussianProcess Fit(double[][] x, double[] y, double[]? warmStart, int maxEvaluations)
    {
        var n = y.Length;
        var d = x[0].Length;
        var mean = y.Average();
        var sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, n - 1));
        if (!(sd > 0)) { sd = 1; }
        var z = y.Select(v => (v - mean) / sd).ToArray();
        var likelihood = new MarginalLikelihood(x, z);
        var start = DefaultStart(d);
        if (warmStart is { Length: var length } && length == d + 2 && NegativeLogLikelihood(likelihood, warmStart, []) < NegativeLogLikelihood(likelihood, start, []))
        {
            start = (double[])warmStart.Clone();
        }

        var (lower, upper) = Bounds(d);
        Bfgs.Minimize((theta, gradient) => NegativeLogLikelihood(likelihood, theta, gradient), start, lower, upper, maxEvaluations);
        var value = likelihood.Evaluate(start, []) ?? throw new InvalidOperationException("The surrogate's kernel matrix is not positive definite.");
        return new GaussianProcess(x, likelihood, start, mean, sd, value);
    }

    /// <summary>The default start: every lengthscale 0.3·√d, unit signal variance, noise variance 10⁻³ (standardised).</summary>
    /// <param name="d">The input dimension.</param>
    /// <returns>The log hyperparameters.</returns>
    internal static double[] DefaultStart(int d)
    {
        var start = new double[d + 2];
        for (var j = 0; j < d; j++) { start[j] = Math.Log(0.3 * Math.Sqrt(d)); }
        start[d + 1] = Math.Log(1e-3);
        return start;
    }

    /// <summary>The box of the log hyperparameters: lengthscales on the unit cube, signal and noise variance of standardised targets.</summary>
    /// <param name="d">The input dimension.</param>
    /// <returns>Lower and upper bounds.</returns>
    internal static (double[] Lower, double[] Upper) Bounds(int d)
    {
        var lower = new double[d + 2];
        var upper = new double[d + 2];
        Array.Fill(lower, MinLogLength, 0, d);
        Array.Fill(upper, MaxLogLength, 0, d);
        (lower[d], upper[d]) = (MinLogSignal, MaxLogSignal);
        (lower[d + 1], upper[d + 1]) = (MinLogNoise, MaxLogNoise);
        return (lower, upper);
    }

    /// <summary>Standardises an objective value as the surrogate's targets are.</summary>
    /// <param name="y">A value in the objective's units.</param>
    /// <returns>(y − mean)/sd.</returns>
    public double Standardize(double y) => (y - _yMean) / _yScale;

    /// <summary>The posterior mean and standard deviation of the latent objective at a unit-cube point, in the objective's units.</summary>
    /// <param name="point">The point.</param>
    /// <param name="scratch">At least n doubles.</param>
    /// <returns>Mean and standard deviation.</returns>
    public (double Mean, double StandardDeviation) Predict(ReadOnlySpan<double> point, Span<double> scratch)
    {
        var (mean, variance) = PredictStandardized(point, scratch, [], []);
        return ((mean * _yScale) + _yMean, Math.Sqrt(variance) * _yScale);
    }

    /// <summary>The posterior mean and variance of the standardised latent objective at a point, and optionally their
    /// gradients: <c>∂μ/∂x_j = Σ_i α_i ∂k_i/∂x_j</c>, <c>∂σ²/∂x_j = −2Σ_i (K⁻¹k)_i ∂k_i/∂x_j</c>, with
    /// <c>∂k_i/∂x_j = −σ²(5/3)(1 + √5r_i)e^(−√5r_i)(x_j − x_ij)/ℓ_j²</c>.</summary>
    /// <param name="point">The point (d).</param>
    /// <param name="scratch">At least n doubles without gradients, 3n with.</param>
    /// <param name="meanGradient">Empty, or d doubles for ∂μ/∂x.</param>
    /// <param name="varianceGradient">Empty, or d doubles for ∂σ²/∂x (both or neither).</param>
    /// <returns>μ and σ² (at least 10⁻¹²) of the standardised objective.</returns>
    public (double Mean, double Variance) PredictStandardized(ReadOnlySpan<double> point, Span<double> scratch, Span<double> meanGradient, Span<double> varianceGradient)
    {
        var n = _x.Length;
        var withGradient = !meanGradient.IsEmpty;
        var k = scratch[..n];
        var slopes = withGradient ? scratch.Slice(2 * n, n) : default;
        for (var i = 0; i < n; i++)
        {
            var xi = _x[i];
            var r2 = 0.0;
            for (var j = 0; j < point.Length; j++)
            {
                var t = point[j] - xi[j];
                r2 += t * t * _inverseSquaredLengths[j];
            }

            k[i] = MarginalLikelihood.Matern(r2, _signal);
            if (withGradient) { slopes[i] = MarginalLikelihood.MaternSlope(r2, _signal); }
        }

        var mean = TensorPrimitives.Dot((ReadOnlySpan<double>)k, _alpha);
        if (withGradient) { AccumulateKernelGradient(point, slopes, _alpha, 1, meanGradient); }

        // v = L⁻¹k by forward substitution, in place; variance = σ² − vᵀv.
        for (var i = 0; i < n; i++)
        {
            k[i] = (k[i] - TensorPrimitives.Dot(_lower.AsSpan(i * n, i), (ReadOnlySpan<double>)k[..i])) / _lower[(i * n) + i];
        }

        var variance = _signal - TensorPrimitives.Dot((ReadOnlySpan<double>)k, (ReadOnlySpan<double>)k);
        if (withGradient)
        {
            // w = L⁻ᵀv = K⁻¹k by back substitution.
            var w = scratch.Slice(n, n);
            for (var i = n - 1; i >= 0; i--)
            {
                var tail = n - i - 1;
                w[i] = (k[i] - TensorPrimitives.Dot(_upper.AsSpan((i * n) + i + 1, tail), (ReadOnlySpan<double>)w.Slice(i + 1, tail))) / _lower[(i * n) + i];
            }

            AccumulateKernelGradient(point, slopes, w, -2, varianceGradient);
            if (variance < 1e-12) { varianceGradient.Clear(); }
        }

        return (mean, Math.Max(variance, 1e-12));
    }

    /// <summary>The posterior mean and variance of the standardised latent objective at a block of points at once: the
    /// kernel block K* (n × B) with vectorised Matérn terms, μ = K*ᵀα, and one forward substitution L V = K* for the whole
    /// block (row operations over the B points), σ² = σ² − Σ_i V_i².</summary>
    /// <param name="points">B points, row-major (B × d).</param>
    /// <param name="means">B means.</param>
    /// <param name="variances">B variances (at least 10⁻¹²).</param>
    /// <param name="work">At least n·B doubles.</param>
    public void PredictBlock(ReadOnlySpan<double> points, Span<double> means, Span<double> variances, Span<double> work)
    {
        var n = _x.Length;
        var b = means.Length;
        var d = _inverseSquaredLengths.Length;
        means.Clear();
        for (var i = 0; i < n; i++)
        {
            var row = work.Slice(i * b, b);
            var xi = _x[i];
            for (var c = 0; c < b; c++)
            {
                var point = points.Slice(c * d, d);
                var r2 = 0.0;
                for (var j = 0; j < d; j++)
                {
                    var t = point[j] - xi[j];
                    r2 += t * t * _inverseSquaredLengths[j];
                }

                row[c] = r2;
            }

            MarginalLikelihood.Matern(row, _signal, variances); // variances as scratch for one row
            variances.CopyTo(row);
            TensorPrimitives.MultiplyAdd(row, _alpha[i], means, means);
        }

        // Forward substitution for the block: V_i = (K*_i − Σ_{c<i} L[i, c]V_c) / L[i, i]; variance = σ² − Σ_i V_i².
        variances.Fill(_signal);
        for (var i = 0; i < n; i++)
        {
            var row = work.Slice(i * b, b);
            for (var c = 0; c < i; c++) { TensorPrimitives.MultiplyAdd(work.Slice(c * b, b), -_lower[(i * n) + c], row, row); }
            TensorPrimitives.Multiply(row, 1 / _lower[(i * n) + i], row);
            for (var c = 0; c < b; c++) { variances[c] -= row[c] * row[c]; }
        }

        TensorPrimitives.Max(variances, 1e-12, variances);
    }

    /// <summary>gradient_j = factor·Σ_i weights_i·(−slope_i)(x_j − x_ij)/ℓ_j².</summary>
    private void AccumulateKernelGradient(ReadOnlySpan<double> point, ReadOnlySpan<double> slopes, ReadOnlySpan<double> weights, double factor, Span<double> gradient)
    {
        gradient.Clear();
        for (var i = 0; i < _x.Length; i++)
        {
            var c = -factor * weights[i] * slopes[i];
            var xi = _x[i];
            for (var j = 0; j < point.Length; j++) { gradient[j] += c * (point[j] - xi[j]); }
        }

        for (var j = 0; j < point.Length; j++) { gradient[j] *= _inverseSquaredLengths[j]; }
    }

    /// <summary>−(log marginal likelihood + log prior) and its gradient in θ: the MAP objective of the fit.</summary>
    internal static double NegativeLogLikelihood(MarginalLikelihood likelihood, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        if (likelihood.Evaluate(theta, gradient) is not { } value) { return double.PositiveInfinity; }
        var d = theta.Length - 2;
        for (var j = 0; j < d; j++)
        {
            var length = Math.Exp(theta[j]);
            value += ((LengthPriorShape - 1) * theta[j]) - (LengthPriorRate * length);
            if (!gradient.IsEmpty) { gradient[j] += (LengthPriorShape - 1) - (LengthPriorRate * length); }
        }

        for (var j = 0; j < gradient.Length; j++) { gradient[j] = -gradient[j]; }
        return -value;
    }
}
