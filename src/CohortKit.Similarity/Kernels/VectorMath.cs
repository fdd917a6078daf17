using System.Numerics.Tensors;

namespace CohortKit.Similarity.Kernels;

/// <summary>Small vector helpers shared by the index, the cohort former and the services.</summary>
internal static class VectorMath
{
    /// <summary>Scales a vector to unit L2 norm in place; a zero vector stays zero. Safe for every finite float: the vector is
    /// first divided by its largest magnitude, so the squares neither overflow (values near 1e20 and above) nor underflow
    /// (values near 1e-23 and below).</summary>
    /// <param name="v">The vector.</param>
    /// <returns>Whether the vector was non-zero (and is now of unit length).</returns>
    public static bool NormalizeInPlace(Span<float> v)
    {
        if (v.IsEmpty)
        {
            return false;
        }

        var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)v);
        if (float.IsNormal(norm) && norm is > 1e-18f and < 1e18f)
        {
            TensorPrimitives.Divide(v, norm, v);
            return true;
        }

        var scale = TensorPrimitives.MaxMagnitude((ReadOnlySpan<float>)v);
        if (scale == 0 || !float.IsFinite(scale))
        {
            return false;
        }

        TensorPrimitives.Divide(v, MathF.Abs(scale), v);
        TensorPrimitives.Divide(v, TensorPrimitives.Norm((ReadOnlySpan<float>)v), v);
        return true;
    }
}
