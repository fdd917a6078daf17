using System.Diagnostics.CodeAnalysis;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;

namespace CohortKit.Personalization.Engine;

/// <summary>One action's ridge model: <c>A⁻¹</c> (row-major), <c>b = Σ r·φ</c> and <c>θ = A⁻¹b</c>, where
/// <c>A = λI + Σ φφᵀ</c>. Immutable: an update returns a new arm (copy on write), so readers never see a half-written one.</summary>
internal sealed class LinearArm
{
    private LinearArm(int dimension, double[] inverse, double[] b, double[] theta, long count)
    {
        Dimension = dimension;
        Inverse = inverse;
        B = b;
        Theta = theta;
        Count = count;
    }

    public int Dimension { get; }

    /// <summary>A⁻¹, row-major d × d.</summary>
    public double[] Inverse { get; }

    public double[] B { get; }

    public double[] Theta { get; }

    /// <summary>The number of rewards learned.</summary>
    public long Count { get; }

    /// <summary>The arm before any reward: A = λI, b = 0.</summary>
    public static LinearArm Prior(int dimension, double lambda)
    {
        var inverse = new double[dimension * dimension];
        for (var i = 0; i < dimension; i++) { inverse[(i * dimension) + i] = 1 / lambda; }
        return new LinearArm(dimension, inverse, new double[dimension], new double[dimension], 0);
    }

    /// <summary>The arm of accumulated sums (a batch fit or a loaded model): A⁻¹ by Cholesky.</summary>
    /// <param name="a">A = λI + Σφφᵀ, row-major, symmetric positive definite.</param>
    /// <param name="b">Σ r·φ.</param>
    /// <param name="count">The rewards behind the sums.</param>
    public static LinearArm FromSums(double[] a, double[] b, long count)
    {
        var d = b.Length;
        var matrix = Matrix<double>.Build.Dense(d, d, (i, j) => a[(i * d) + j]);
        var inverseMatrix = matrix.Cholesky().Solve(Matrix<double>.Build.DenseIdentity(d));
        var inverse = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++) { inverse[(i * d) + j] = inverseMatrix[i, j]; }
        }

        return new LinearArm(d, inverse, (double[])b.Clone(), Multiply(inverse, b), count);
    }

    /// <summary>The arm of a saved A⁻¹ and b (exact round trip: θ is recomputed as A⁻¹b).</summary>
    public static LinearArm FromInverse(double[] inverse, double[] b, long count) => new(b.Length, inverse, b, Multiply(inverse, b), count);

    /// <summary>The predicted reward θᵀφ.</summary>
    public double Mean(ReadOnlySpan<double> phi) => TensorPrimitives.Dot(Theta.AsSpan(), phi);

    /// <summary>The width √(φᵀA⁻¹φ) (by <see cref="QuadraticForm"/>; a rounding-negative form counts as 0).</summary>
    public double Width(ReadOnlySpan<double> phi) => Math.Sqrt(Math.Max(QuadraticForm(Inverse, phi), 0));

    /// <summary>xᵀMx for a row-major d × d matrix M and x of length d, in one pass: every row's dot product with x in
    /// 256-bit lanes (four doubles, a scalar tail) when the hardware has them, scalar otherwise; the products are not
    /// reordered across rows, so the result equals Σᵢ xᵢ·(Mᵢ·x) up to the rounding of each row's sum. NaN in, NaN out.</summary>
    /// <remarks>One call instead of d calls of <see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>,
    /// whose per-call cost dominates at the engine's dimensions (about 20).</remarks>
    internal static double QuadraticForm(ReadOnlySpan<double> matrix, ReadOnlySpan<double> x)
    {
        var d = x.Length;
        if (matrix.Length != d * d) { ThrowShape(matrix.Length, d, nameof(matrix)); }
        ref var m = ref MemoryMarshal.GetReference(matrix);
        ref var v = ref MemoryMarshal.GetReference(x);
        var vectorEnd = Vector256.IsHardwareAccelerated ? d - (d % Vector256<double>.Count) : 0;
        var q = 0.0;
        for (var i = 0; i < d; i++)
        {
            ref var row = ref Unsafe.Add(ref m, i * d);
            var sum = 0.0;
            if (vectorEnd > 0)
            {
                var acc = Vector256<double>.Zero;
                for (var j = 0; j < vectorEnd; j += Vector256<double>.Count)
                {
                    acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)j), Vector256.LoadUnsafe(ref v, (nuint)j), acc);
                }

                sum = Vector256.Sum(acc);
            }

            for (var j = vectorEnd; j < d; j++) { sum += Unsafe.Add(ref row, j) * Unsafe.Add(ref v, j); }
            q += Unsafe.Add(ref v, i) * sum;
        }

        return q;
    }

    [DoesNotReturn]
    private static void ThrowShape(int length, int d, string parameter) => throw new ArgumentException($"The matrix has {length} elements; a {d} × {d} matrix has {d * d}.", parameter);

    /// <summary>The arm after one more reward: Sherman–Morrison on A⁻¹, b += r·φ, θ = A⁻¹b.</summary>
    public LinearArm Updated(ReadOnlySpan<double> phi, double reward)
    {
        var d = Dimension;
        Span<double> u = d <= 128 ? stackalloc double[d] : new double[d];
        for (var i = 0; i < d; i++) { u[i] = TensorPrimitives.Dot(Inverse.AsSpan(i * d, d), phi); }
        var denominator = 1 + TensorPrimitives.Dot(u, phi);
        var inverse = new double[d * d];
        for (var i = 0; i < d; i++)
        {
            var row = inverse.AsSpan(i * d, d);
            var scale = u[i] / denominator;
            for (var j = 0; j < d; j++) { row[j] = Inverse[(i * d) + j] - (scale * u[j]); }
        }

        var b = new double[d];
        for (var i = 0; i < d; i++) { b[i] = B[i] + (reward * phi[i]); }
        return new LinearArm(d, inverse, b, Multiply(inverse, b), Count + 1);
    }

    private static double[] Multiply(double[] matrix, double[] vector)
    {
        var d = vector.Length;
        var result = new double[d];
        for (var i = 0; i < d; i++) { result[i] = TensorPrimitives.Dot(matrix.AsSpan(i * d, d), vector); }
        return result;
    }
}
