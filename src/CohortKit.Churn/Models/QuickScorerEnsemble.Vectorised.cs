using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CohortKit.Churn.Models;

/// <summary>The vectorised QuickScorer (V-QuickScorer, Lucchese et al., SIGIR 2016): 8 rows scored together, one 32-bit leaf
/// mask per tree and row, the 8 masks of a tree in one <see cref="Vector256{T}"/>.</summary>
/// <remarks>
/// <para>For each feature, the 8 rows' values (gathered once) are compared with each node's threshold in ascending order,
/// x ≤ threshold as in the scalar path (NaN fails, as it fails there); the lanes that fail clear the node's left-subtree
/// leaves from their tree mask, and the scan stops at the first node all 8 rows pass. Each lane's exit leaf is then its mask's
/// lowest set bit, found for the 8 lanes at once from the exponent of the lowest bit converted to float (exact for a power
/// of two), and the 8 lanes' sums add the same products weight · leaf to the bias in the same tree order as the scalar path,
/// each lane in its own double: the same bits.</para>
/// <para>A block scans a node while any of its 8 rows fails it, so it visits at least as many nodes as its slowest row; the
/// gain is 8 rows per compare and mask update, and no data-dependent branch but the one that ends a feature's scan.</para>
/// </remarks>
internal sealed partial class QuickScorerEnsemble
{
    /// <summary>The most leaves a tree may have for the vectorised path (one bit each in a 32-bit lane).</summary>
    internal const int VectorMaxLeaves = 32;

    /// <summary>Rows scored together: the 32-bit lanes of a <see cref="Vector256{T}"/>.</summary>
    internal const int Lanes = 8;

    /// <summary>Tree counts up to this keep their masks on the stack (32 bytes a tree); more are rented.</summary>
    private const int StackTrees = 512;

    /// <summary>The float exponent bias: a power of two 2^k converted to float has biased exponent k + 127.</summary>
    private const int FloatExponentBias = 127;

    private const int FloatMantissaBits = 23;

    /// <summary>Per entry, for the vectorised path: every bit set but those of the node's left-subtree leaves (the bits a row
    /// that fails the node keeps); null when a tree has more than <see cref="VectorMaxLeaves"/> leaves.</summary>
    private readonly uint[]? _keep;

    /// <summary>Gets whether <see cref="Score"/> takes the vectorised path: AVX2 present and every tree within 32 leaves.</summary>
    internal bool VectorFits => _keep is not null && Avx2.IsSupported;

    /// <summary>Scores 8 rows at a time (the last block's missing rows repeat its last row and are not written).</summary>
    /// <exception cref="NotSupportedException">The hardware has no AVX2, or a tree has more than 32 leaves.</exception>
    internal unsafe void ScoreVectorised(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        CheckShape(data, dimensions, destination);
        if (!VectorFits)
        {
            throw new NotSupportedException($"The vectorised QuickScorer needs AVX2 (present: {Avx2.IsSupported}) and trees of at most {VectorMaxLeaves} leaves (largest: {_leaves}).");
        }

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
                    ScoreBlock(rows + ((long)r * dimensions), offsets, masks, leaf, output + r, count);
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

    /// <summary>Every leaf bit set but the run of <paramref name="entry"/>'s left subtree (at most 31 leaves, as the right
    /// subtree holds one at least, within 32 bits).</summary>
    private static uint KeepMask(uint entry)
    {
        var run = (int)(entry & 0xFF);
        var low = (int)((entry >> 8) & 0xFF);
        return ~(((1u << run) - 1) << low);
    }

    private unsafe void ScoreBlock(float* rows, Vector256<int> offsets, Span<Vector256<uint>> masks, int* leaf, double* output, int count)
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
