using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CohortKit.Churn.Models;

/// <summary>The first vectorised QuickScorer (decision #66), kept as the benchmark baseline of the 16-row kernel that replaced
/// it (<see cref="ScoreVectorised"/>, decision #70) and tested bit for bit like it: blocks of 8 rows, one
/// <see cref="Vector256{T}"/> of masks per tree, each node tested for "all 8 rows pass" by a vector compare, and exit leaves
/// found for 8 lanes at once from the exponent of the lowest set bit converted to float (exact for a power of two).</summary>
internal sealed partial class QuickScorerEnsemble
{
    /// <summary>Tree counts up to this keep the 8-row kernel's masks on the stack (32 bytes a tree); more are rented.</summary>
    private const int StackTrees = 512;

    /// <summary>The float exponent bias: a power of two 2^k converted to float has biased exponent k + 127.</summary>
    private const int FloatExponentBias = 127;

    private const int FloatMantissaBits = 23;

    /// <summary>Per entry, for the 8-row kernel: every bit set but those of the node's left-subtree leaves (the bits a row
    /// that fails the node keeps); null when a tree has more than <see cref="VectorMaxLeaves"/> leaves.</summary>
    private readonly uint[]? _keep;

    /// <summary>Scores 8 rows at a time (the last block's missing rows repeat its last row and are not written).</summary>
    /// <exception cref="NotSupportedException">The hardware has no AVX2, or a tree has more than 32 leaves.</exception>
    internal unsafe void ScoreEightRowBlocks(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        CheckVectorised(data, dimensions, destination);

        Vector256<uint>[]? rented = null;
        var masks = _trees <= StackTrees ? stackalloc Vector256<uint>[_trees] : (rented = ArrayPool<Vector256<uint>>.Shared.Rent(_trees)).AsSpan(0, _trees);
        try
        {
            var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            var leaf = stackalloc int[Lanes];
            fixed (float* rows = data)
            fixed (double* output = destination)
            {
                for (var r = 0; r < destination.Length; r += Lanes)
                {
                    // A short last block points its missing lanes at its last row, so every gathered value is a real row's.
                    var count = Math.Min(Lanes, destination.Length - r);
                    var offsets = Vector256.Min(lane, Vector256.Create(count - 1)) * dimensions;
                    ScoreEightRowBlock(rows + ((long)r * dimensions), offsets, masks, leaf, output + r, count);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Vector256<uint>>.Shared.Return(rented);
            }
        }
    }

    private unsafe void ScoreEightRowBlock(float* rows, Vector256<int> offsets, Span<Vector256<uint>> masks, int* leaf, double* output, int count)
    {
        masks.Fill(Vector256<uint>.AllBitsSet);
        ref var mask = ref MemoryMarshal.GetReference(masks);
        ref var threshold = ref MemoryMarshal.GetArrayDataReference(_threshold);
        ref var entry = ref MemoryMarshal.GetArrayDataReference(_entry);
        ref var keep = ref MemoryMarshal.GetArrayDataReference(_keep!);
        ref var starts = ref MemoryMarshal.GetArrayDataReference(_featureStart);
        var features = Features;
        for (var f = 0; f < features; f++)
        {
            var x = Avx2.GatherVector256(rows + f, offsets, sizeof(float));
            var end = Unsafe.Add(ref starts, f + 1);
            for (var i = Unsafe.Add(ref starts, f); i < end; i++)
            {
                var pass = Vector256.LessThanOrEqual(x, Vector256.Create(Unsafe.Add(ref threshold, i))).AsUInt32();
                if (pass == Vector256<uint>.AllBitsSet)
                {
                    break;
                }

                // Lanes that pass keep every bit; lanes that fail lose the node's left-subtree leaves.
                ref var m = ref Unsafe.Add(ref mask, (int)(Unsafe.Add(ref entry, i) >> 16));
                m &= pass | Vector256.Create(Unsafe.Add(ref keep, i));
            }
        }

        ref var value = ref MemoryMarshal.GetArrayDataReference(_value);
        var low = Vector256.Create(_bias);
        var high = low;
        var exponentMask = Vector256.Create(0xFF);
        for (var t = 0; t < _trees; t++)
        {
            // Exit leaf = trailing zero count = the exponent of the lowest set bit as a float (bit 31 converts to −2^31,
            // whose exponent field is still 31 + 127). The 8 values are then read one by one: on this Zen CPU that beat two
            // AVX2 gathers by ~6 % (docs/benchmarks.md).
            var m = Unsafe.Add(ref mask, t).AsInt32();
            var lowest = Vector256.ConvertToSingle(m & -m).AsInt32();
            var index = (Vector256.ShiftRightLogical(lowest, FloatMantissaBits) & exponentMask) + Vector256.Create((t * MaxLeaves) - FloatExponentBias);
            index.Store(leaf);
            low += Vector256.Create(Unsafe.Add(ref value, leaf[0]), Unsafe.Add(ref value, leaf[1]), Unsafe.Add(ref value, leaf[2]), Unsafe.Add(ref value, leaf[3]));
            high += Vector256.Create(Unsafe.Add(ref value, leaf[4]), Unsafe.Add(ref value, leaf[5]), Unsafe.Add(ref value, leaf[6]), Unsafe.Add(ref value, leaf[7]));
        }

        if (count == Lanes)
        {
            low.Store(output);
            high.Store(output + (Lanes / 2));
        }
        else
        {
            for (var j = 0; j < count; j++) { output[j] = j < Lanes / 2 ? low[j] : high[j - (Lanes / 2)]; }
        }
    }
}
