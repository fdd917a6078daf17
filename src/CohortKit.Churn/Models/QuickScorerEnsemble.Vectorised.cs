using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CohortKit.Churn.Models;

/// <summary>The vectorised QuickScorer (V-QuickScorer, Lucchese et al., SIGIR 2016) on blocks of 16 rows: one 32-bit leaf mask
/// per tree and row, a tree's 16 masks in two <see cref="Vector256{T}"/> (one 64-byte line).</summary>
/// <remarks>
/// <para>For each feature, the 16 rows' values (two gathers) are compared with each node's threshold in ascending order,
/// x ≤ threshold as in the scalar path (NaN fails, as it fails there); the lanes that fail clear the node's left-subtree
/// leaves from their tree mask. The scan stops at the first node all 16 rows pass, tested by one scalar compare with the
/// block's <em>ceiling</em>: the largest of the 16 values, or NaN when one of them is NaN (a NaN row fails every node, so its
/// feature is scanned to the end). Each node is one 12-byte record (threshold, kept bits, byte offset of its tree's masks),
/// the records read as one stream.</para>
/// <para>Each lane's exit leaf is then its mask's lowest set bit (a trailing-zero count); the 16 lanes' sums add the same
/// products weight · leaf to the bias in the same tree order as the scalar path, each lane in its own double: the same bits.</para>
/// <para>A block scans a node while any of its rows fails it: on the benchmark's model (30 features of comparable use) a
/// 16-row block visits ~94 % of the nodes and an 8-row block ~89 %, so 16 rows nearly halve the visits per row (224 against
/// 423), each visit updating two vectors instead of one (docs/decisions.md #70).</para>
/// </remarks>
internal sealed partial class QuickScorerEnsemble
{
    /// <summary>The most leaves a tree may have for the vectorised paths (one bit each in a 32-bit lane).</summary>
    internal const int VectorMaxLeaves = 32;

    /// <summary>The 32-bit lanes of a <see cref="Vector256{T}"/>.</summary>
    internal const int Lanes = 8;

    /// <summary>Rows scored together by <see cref="ScoreVectorised"/>: two vectors of lanes.</summary>
    internal const int BlockRows = 2 * Lanes;

    /// <summary>Bytes of one tree's masks for a block: 16 lanes of 4 bytes, one cache line.</summary>
    private const int TreeMaskBytes = BlockRows * sizeof(uint);

    /// <summary>Mask buffers up to this size live on the stack (255 trees, with a line of room for alignment); larger ones are
    /// rented.</summary>
    private const int StackMaskBytes = 16 * 1024;

    /// <summary>The node stream of the vectorised path, grouped by feature and sorted by threshold as
    /// <see cref="_threshold"/>; null when a tree has more than <see cref="VectorMaxLeaves"/> leaves.</summary>
    private readonly VectorNode[]? _nodes;

    /// <summary>Gets whether <see cref="Score"/> takes the vectorised path: AVX2 present and every tree within 32 leaves.</summary>
    internal bool VectorFits => _nodes is not null && Avx2.IsSupported;

    /// <summary>Scores 16 rows at a time (the last block's missing rows repeat its last row and are not written).</summary>
    /// <exception cref="NotSupportedException">The hardware has no AVX2, or a tree has more than 32 leaves.</exception>
    internal unsafe void ScoreVectorised(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        CheckVectorised(data, dimensions, destination);
        var bytes = (_trees * TreeMaskBytes) + TreeMaskBytes; // room to align the first mask on a cache line
        byte[]? rented = null;
        var buffer = bytes <= StackMaskBytes ? stackalloc byte[bytes] : (rented = ArrayPool<byte>.Shared.Rent(bytes)).AsSpan(0, bytes);
        try
        {
            var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            fixed (byte* raw = buffer)
            fixed (float* rows = data)
            fixed (double* output = destination)
            fixed (VectorNode* nodes = _nodes)
            fixed (int* starts = _featureStart)
            fixed (double* values = _value)
            {
                var masks = (byte*)(((nint)raw + TreeMaskBytes - 1) & ~(nint)(TreeMaskBytes - 1));
                for (var r = 0; r < destination.Length; r += BlockRows)
                {
                    // A short last block points its missing lanes at its last row, so every gathered value is a real row's.
                    var count = Math.Min(BlockRows, destination.Length - r);
                    var last = Vector256.Create(count - 1);
                    var low = Vector256.Min(lane, last) * dimensions;
                    var high = Vector256.Min(lane + Vector256.Create(Lanes), last) * dimensions;
                    var block = rows + ((long)r * dimensions);
                    ClearLeaves(block, low, high, masks, nodes, starts);
                    SumLeaves(masks, values, output + r, count);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void CheckVectorised(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        CheckShape(data, dimensions, destination);
        if (!VectorFits)
        {
            throw new NotSupportedException($"The vectorised QuickScorer needs AVX2 (present: {Avx2.IsSupported}) and trees of at most {VectorMaxLeaves} leaves (largest: {_leaves}).");
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

    /// <summary>The node stream of the vectorised path, from the sorted entries.</summary>
    private static VectorNode[] VectorNodes(float[] threshold, uint[] entry)
    {
        var nodes = new VectorNode[threshold.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = new VectorNode(threshold[i], KeepMask(entry[i]), (int)(entry[i] >> 16) * TreeMaskBytes);
        }

        return nodes;
    }

    /// <summary>Sets every mask of the block, then clears, feature by feature, the leaves each failed node rules out.</summary>
    private unsafe void ClearLeaves(float* block, Vector256<int> low, Vector256<int> high, byte* masks, VectorNode* nodes, int* starts)
    {
        new Span<byte>(masks, _trees * TreeMaskBytes).Fill(byte.MaxValue);
        var features = Features;
        for (var f = 0; f < features; f++)
        {
            var x = Avx2.GatherVector256(block + f, low, sizeof(float));
            var y = Avx2.GatherVector256(block + f, high, sizeof(float));
            var ceiling = Ceiling(x, y);
            var end = nodes + starts[f + 1];
            for (var node = nodes + starts[f]; node < end; node++)
            {
                var threshold = node->Threshold;
                if (ceiling <= threshold)
                {
                    break; // every row of the block passes this node, hence every later node of the feature
                }

                // Lanes that pass keep every bit; lanes that fail lose the node's left-subtree leaves.
                var t = Vector256.Create(threshold);
                var keep = Vector256.Create(node->Keep);
                var mask = (Vector256<uint>*)(masks + node->MaskOffset);
                mask[0] &= Vector256.LessThanOrEqual(x, t).AsUInt32() | keep;
                mask[1] &= Vector256.LessThanOrEqual(y, t).AsUInt32() | keep;
            }
        }
    }

    /// <summary>The largest of the 16 values, or NaN when any is NaN: every row passes x ≤ t exactly when ceiling ≤ t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Ceiling(Vector256<float> x, Vector256<float> y)
    {
        // vmaxps returns its second operand when either is NaN, so NaN is tested apart; ±0 may come out either way, and
        // compare equal.
        var m = Avx.Max(x, y);
        m = Avx.Max(m, Avx.Permute2x128(m, m, 1));
        m = Avx.Max(m, Avx.Permute(m, 0b01_00_11_10));
        m = Avx.Max(m, Avx.Permute(m, 0b10_11_00_01));
        return (Vector256.IsNaN(x) | Vector256.IsNaN(y)) == Vector256<float>.Zero ? m.ToScalar() : float.NaN;
    }

    /// <summary>Adds each lane's exit-leaf values to the bias in tree order and writes the block's first
    /// <paramref name="count"/> scores.</summary>
    private unsafe void SumLeaves(byte* masks, double* values, double* output, int count)
    {
        var s0 = Vector256.Create(_bias);
        var s1 = s0;
        var s2 = s0;
        var s3 = s0;
        var mask = (uint*)masks;
        for (var t = 0; t < _trees; t++, values += MaxLeaves, mask += BlockRows)
        {
            s0 += Vector256.Create(Leaves(values, mask[0], mask[1]), Leaves(values, mask[2], mask[3]));
            s1 += Vector256.Create(Leaves(values, mask[4], mask[5]), Leaves(values, mask[6], mask[7]));
            s2 += Vector256.Create(Leaves(values, mask[8], mask[9]), Leaves(values, mask[10], mask[11]));
            s3 += Vector256.Create(Leaves(values, mask[12], mask[13]), Leaves(values, mask[14], mask[15]));
        }

        var sums = stackalloc double[BlockRows];
        var target = count == BlockRows ? output : sums;
        s0.Store(target);
        s1.Store(target + 4);
        s2.Store(target + 8);
        s3.Store(target + 12);
        if (count < BlockRows)
        {
            new ReadOnlySpan<double>(sums, count).CopyTo(new Span<double>(output, count));
        }
    }

    /// <summary>The exit-leaf values of two lanes: the value at each mask's lowest set bit (never 0: the exit leaf's bit
    /// stays set).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector128<double> Leaves(double* values, uint first, uint second)
        => Sse2.LoadHigh(Sse2.LoadScalarVector128(values + BitOperations.TrailingZeroCount(first)), values + BitOperations.TrailingZeroCount(second));

    /// <summary>One split node of the vectorised path: its threshold, the leaf bits a failing row keeps, and the byte offset of
    /// its tree's masks in a block's mask buffer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct VectorNode(float Threshold, uint Keep, int MaskOffset);
}
