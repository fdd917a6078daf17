using System.Numerics.Tensors;

namespace CohortKit.Similarity.Kernels;

/// <summary>Small vector helpers shared by the index, the cohort former and the services.</summary>
internal static class VectorMath
{
    /// <summary>Scales a vector to unit L2 norm in place; a zero vector stays zero.</summary>
    public static void NormalizeInPlace(Span<float> v)
    {
        var norm = TensorPrimitives.Norm((ReadOnlySpan<float>)v);
        if (norm > 0)
        {
            TensorPrimitives.Divide(v, norm, v);
        }
    }
}
