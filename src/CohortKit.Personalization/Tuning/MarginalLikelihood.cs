using System.Numerics.Tensors;

namespace CohortKit.Personalization.Tuning;

/// <summary>The log marginal likelihood of a zero-mean Gaussian process with an ARD Matérn 5/2 kernel plus white noise, and
/// its gradient with respect to the log hyperparameters θ = [log ℓ_1..d, log σ², log σ_n²]:
/// <c>log p(z | θ) = −½zᵀα − Σ log L_ii − (n/2) log 2π</c>, <c>K = LLᵀ</c>, <c>α = K⁻¹z</c>, and
/// <c>∂/∂θ_p = ½ tr((ααᵀ − K⁻¹) ∂K/∂θ_p)</c> with, for <c>k(r) = σ²(1 + √5r + 5r²/3)e^(−√5r)</c>,
/// <c>∂k/∂log ℓ_j = σ²(5/3)(1 + √5r)e^(−√5r)·(x_j − x'_j)²/ℓ_j²</c>, <c>∂K/∂log σ² = K − σ_n²I</c> and
/// <c>∂K/∂log σ_n² = σ_n²I</c>. A jitter of 1e-10 is added to the diagonal (as scikit-learn's default <c>alpha</c>).
/// The buffers (factor, inverse, per-pair kernel terms) belong to one training set and are reused by every evaluation;
/// not thread-safe.</summary>
internal sealed class MarginalLikelihood
{
    /// <summary>The jitter added to the kernel matrix's diagonal.</summary>
    public const double Jitter = 1e-10;

    private static readonly double Sqrt5 = Math.Sqrt(5);
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly double[] _squaredDifferences; // per pair (i > j), d entries
    private readonly double[] _pairKernel; // k(x_i, x_j) per pair
    private readonly double[] _pairDerivative; // σ²(5/3)(1 + √5r)e^(−√5r) per pair
    private readonly double[] _inverse; // K⁻¹ (then ααᵀ − K⁻¹), row-major, lower triangle
    private readonly double[] _inverseFactor; // L⁻¹, row-major, lower triangle

    /// <summary>Prepares the buffers for a training set.</summary>
    /// <param name="x">Inputs, n rows of d.</param>
    /// <param name="z">Targets (n).</param>
    public MarginalLikelihood(double[][] x, double[] z)
    {
        N = z.Length;
        D = x[0].Length;
        Z = z;
        var pairs = N * (N - 1) / 2;
        _squaredDifferences = new double[pairs * D];
        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var pair = _squaredDifferences.AsSpan(PairIndex(i, j) * D, D);
                for (var c = 0; c < D; c++) { pair[c] = (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]); }
            }
        }

        _pairKernel = new double[pairs];
        _pairDerivative = new double[pairs];
        Lower = new double[N * N];
        Alpha = new double[N];
        _inverse = new double[N * N];
        _inverseFactor = new double[N * N];
    }

    /// <summary>Gets the number of training points.</summary>
    public int N { get; }

    /// <summary>Gets the input dimension.</summary>
    public int D { get; }

    /// <summary>Gets the targets.</summary>
    public double[] Z { get; }

    /// <summary>Gets the Cholesky factor of the last evaluation, row-major; only the lower triangle is meaningful.</summary>
    public double[] Lower { get; }

    /// <summary>Gets α = K⁻¹z of the last evaluation.</summary>
    public double[] Alpha { get; }

    /// <summary>The Matérn 5/2 kernel at squared scaled distance r².</summary>
    /// <param name="r2">Σ((x_j − x'_j)/ℓ_j)².</param>
    /// <param name="signal">σ².</param>
    /// <returns>k(r).</returns>
    public static double Matern(double r2, double signal)
    {
        var r = Math.Sqrt(r2);
        return signal * (1 + (Sqrt5 * r) + (5.0 / 3 * r2)) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>The Matérn 5/2 kernel for a row of squared scaled distances, vectorised.</summary>
    /// <param name="r2">Squared scaled distances.</param>
    /// <param name="signal">σ².</param>
    /// <param name="destination">k(r) for each (as long as <paramref name="r2"/>; may not overlap it).</param>
    public static void Matern(ReadOnlySpan<double> r2, double signal, Span<double> destination)
    {
        // destination = √(r2); then k = σ²(1 + √5r + 5r²/3)e^(−√5r) in a few vector passes.
        TensorPrimitives.Sqrt(r2, destination);
        Span<double> exponential = destination.Length <= 256 ? stackalloc double[destination.Length] : new double[destination.Length];
        TensorPrimitives.Multiply(destination, -Sqrt5, exponential);
        TensorPrimitives.Exp(exponential, exponential);
        TensorPrimitives.Multiply(destination, Sqrt5, destination);
        TensorPrimitives.Add(destination, 1.0, destination);
        TensorPrimitives.MultiplyAdd(r2, 5.0 / 3, destination, destination);
        TensorPrimitives.Multiply(destination, exponential, destination);
        TensorPrimitives.Multiply(destination, signal, destination);
    }

    /// <summary>−∂k/∂(r²)·2 = σ²(5/3)(1 + √5r)e^(−√5r): ∂k/∂x_j = −this·(x_j − x'_j)/ℓ_j².</summary>
    /// <param name="r2">Σ((x_j − x'_j)/ℓ_j)².</param>
    /// <param name="signal">σ².</param>
    /// <returns>The derivative factor.</returns>
    public static double MaternSlope(double r2, double signal)
    {
        var r = Math.Sqrt(r2);
        return signal * (5.0 / 3) * (1 + (Sqrt5 * r)) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>Builds K, factors it in place into <see cref="Lower"/>, solves <see cref="Alpha"/> and returns the log marginal
    /// likelihood; with a non-empty <paramref name="gradient"/> also writes its gradient with respect to θ there.</summary>
    /// <param name="theta">[log ℓ_1..d, log σ², log σ_n²].</param>
    /// <param name="gradient">Empty, or d + 2 entries for the gradient.</param>
    /// <returns>The log marginal likelihood, or null when K is not positive definite or the value is not finite.</returns>
    public double? Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var n = N;
        var d = D;
        Span<double> inverseSquaredLengths = stackalloc double[d];
        for (var j = 0; j < d; j++) { inverseSquaredLengths[j] = Math.Exp(-2 * theta[j]); }
        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);
        var lower = Lower;
        for (var i = 0; i < n; i++)
        {
            lower[(i * n) + i] = signal + noise + Jitter;
            for (var j = 0; j < i; j++)
            {
                var p = PairIndex(i, j);
                var r2 = TensorPrimitives.Dot(_squaredDifferences.AsSpan(p * d, d), (ReadOnlySpan<double>)inverseSquaredLengths);
                var r = Math.Sqrt(r2);
                var e = Math.Exp(-Sqrt5 * r);
                _pairKernel[p] = signal * (1 + (Sqrt5 * r) + (5.0 / 3 * r2)) * e;
                _pairDerivative[p] = signal * (5.0 / 3) * (1 + (Sqrt5 * r)) * e;
                lower[(i * n) + j] = _pairKernel[p];
            }
        }

        if (Factor(lower, n) is not { } logDeterminant) { return null; }
        SolveAlpha();
        var fit = TensorPrimitives.Dot(Z, Alpha);
        var logLikelihood = (-0.5 * fit) - (0.5 * logDeterminant) - (n * HalfLogTwoPi);
        if (!double.IsFinite(logLikelihood)) { return null; }
        if (!gradient.IsEmpty) { Gradient(inverseSquaredLengths, signal, noise, gradient); }
        return logLikelihood;
    }

    /// <summary>The index of the pair (i, j), i &gt; j, in the per-pair buffers.</summary>
    /// <param name="i">The larger index.</param>
    /// <param name="j">The smaller index.</param>
    /// <returns>i(i − 1)/2 + j.</returns>
    public static int PairIndex(int i, int j) => (i * (i - 1) / 2) + j;

    /// <summary>Cholesky–Banachiewicz in place, row by row: L[i, j] = (K[i, j] − Σ_{c&lt;j} L[i, c]L[j, c]) / L[j, j].</summary>
    /// <returns>log det K, or null when K is not positive definite.</returns>
    private static double? Factor(double[] lower, int n)
    {
        var logDeterminant = 0.0;
        for (var i = 0; i < n; i++)
        {
            var rowI = lower.AsSpan(i * n, n);
            for (var j = 0; j < i; j++)
            {
                rowI[j] = (rowI[j] - TensorPrimitives.Dot(rowI[..j], lower.AsSpan(j * n, j))) / lower[(j * n) + j];
            }

            var diagonal = rowI[i] - TensorPrimitives.Dot(rowI[..i], (ReadOnlySpan<double>)rowI[..i]);
            if (!(diagonal > 0)) { return null; }
            rowI[i] = Math.Sqrt(diagonal);
            logDeterminant += 2 * Math.Log(rowI[i]);
        }

        return logDeterminant;
    }

    /// <summary>α = L⁻ᵀ L⁻¹ z.</summary>
    private void SolveAlpha()
    {
        var n = N;
        var lower = Lower;
        var alpha = Alpha;
        for (var i = 0; i < n; i++)
        {
            alpha[i] = (Z[i] - TensorPrimitives.Dot(lower.AsSpan(i * n, i), (ReadOnlySpan<double>)alpha.AsSpan(0, i))) / lower[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = alpha[i];
            for (var c = i + 1; c < n; c++) { s -= lower[(c * n) + i] * alpha[c]; }
            alpha[i] = s / lower[(i * n) + i];
        }
    }

    /// <summary>W = ααᵀ − K⁻¹ (K⁻¹ = L⁻ᵀL⁻¹, both triangles by row operations), then ½ tr(W ∂K/∂θ_p) for each p.</summary>
    private void Gradient(ReadOnlySpan<double> inverseSquaredLengths, double signal, double noise, Span<double> gradient)
    {
        var n = N;
        var d = D;
        var lower = Lower;
        var m = _inverseFactor;

        // Row i of M = L⁻¹: M[i, j] = −(Σ_{k=j}^{i−1} L[i, k]M[k, j]) / L[i, i], accumulated as rows of M.
        for (var i = 0; i < n; i++)
        {
            var rowI = m.AsSpan(i * n, i + 1);
            rowI.Clear();
            for (var k = 0; k < i; k++) { TensorPrimitives.MultiplyAdd(m.AsSpan(k * n, k + 1), lower[(i * n) + k], rowI[..(k + 1)], rowI[..(k + 1)]); }
            var inverseDiagonal = 1 / lower[(i * n) + i];
            TensorPrimitives.Multiply(rowI[..i], -inverseDiagonal, rowI[..i]);
            rowI[i] = inverseDiagonal;
        }

        // K⁻¹[a, b] = Σ_{r ≥ a} M[r, a]M[r, b] for b ≤ a, as rank-one updates of the lower triangle.
        var w = _inverse;
        for (var a = 0; a < n; a++) { w.AsSpan(a * n, a + 1).Clear(); }
        for (var r = 0; r < n; r++)
        {
            var rowR = m.AsSpan(r * n, r + 1);
            for (var a = 0; a <= r; a++)
            {
                var rowA = w.AsSpan(a * n, a + 1);
                TensorPrimitives.MultiplyAdd(rowR[..(a + 1)], rowR[a], rowA, rowA);
            }
        }

        var alpha = Alpha;
        var trace = 0.0;
        for (var a = 0; a < n; a++)
        {
            var rowA = w.AsSpan(a * n, a + 1);
            for (var b = 0; b <= a; b++) { rowA[b] = (alpha[a] * alpha[b]) - rowA[b]; }
            trace += rowA[a];
        }

        // Off-diagonal pairs count twice in the trace, so ½·2 = 1.
        gradient.Clear();
        var signalSum = 0.0;
        for (var i = 1; i < n; i++)
        {
            var rowI = w.AsSpan(i * n, i);
            var p0 = PairIndex(i, 0);
            for (var j = 0; j < i; j++)
            {
                var p = p0 + j;
                var wij = rowI[j];
                signalSum += wij * _pairKernel[p];
                var scaled = wij * _pairDerivative[p];
                var pair = _squaredDifferences.AsSpan(p * d, d);
                for (var c = 0; c < d; c++) { gradient[c] += scaled * pair[c]; }
            }
        }

        for (var c = 0; c < d; c++) { gradient[c] *= inverseSquaredLengths[c]; }
        gradient[d] = signalSum + (0.5 * signal * trace);
        gradient[d + 1] = 0.5 * noise * trace;
    }
}
