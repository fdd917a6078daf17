using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CohortKit.Churn.Models;

/// <summary>A tree ensemble scored by QuickScorer (Lucchese et al., SIGIR 2015): instead of walking each tree, a row visits,
/// feature by feature, the split nodes whose test it fails, in ascending threshold order, and clears from its tree's leaf
/// bitmask the leaves those nodes' left subtrees hold; the exit leaf of each tree is then the lowest bit still set.</summary>
/// <remarks>
/// <para>Leaves are numbered in left-to-right order, so a node's left subtree is a contiguous run of bits. A row fails a node
/// (goes right) unless x ≤ threshold, as in <see cref="TreeEnsembleScorer.Score"/>, so NaN fails every node; because the
/// nodes of a feature are sorted by threshold, the scan of a feature stops at the first node the row passes. The work per row
/// is the number of failed nodes plus one lookup per tree, with sequential memory access and one data-dependent branch per
/// feature, where a walk pays a hard-to-predict branch and a dependent load per level of every tree.</para>
/// <para>Scores equal <see cref="TreeEnsembleScorer.Score"/> bit for bit: the exit leaves are the same, and the same products
/// weight · leaf are added to the bias in the same tree order. Trees of at most 64 leaves (one <see cref="ulong"/> mask).</para>
/// <para>With AVX2 and trees of at most 32 leaves, <see cref="Score"/> runs the vectorised form (V-QuickScorer, Lucchese et al.,
/// SIGIR 2016) on 16 rows at once (<see cref="ScoreVectorised"/>); otherwise it scores one row at a time
/// (<see cref="ScoreScalar"/>). Both give the same bits, as does the 8-row kernel it replaced
/// (<see cref="ScoreEightRowBlocks"/>, kept as a benchmark baseline).</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
internal sealed partial class QuickScorerEnsemble
{
    /// <summary>The most leaves a tree may have (one bit each in a 64-bit mask).</summary>
    internal const int MaxLeaves = 64;

    /// <summary>The most trees (a tree index takes 16 bits of an entry).</summary>
    internal const int MaxTrees = 65_536;

    private readonly float[] _threshold;
    private readonly uint[] _entry;
    private readonly int[] _featureStart;
    private readonly double[] _value;
    private readonly int _trees;
    private readonly double _bias;
    private readonly int _leaves;

    /// <summary>Lays the trees out; they must already be valid trees (checked by <see cref="FlatTreeEnsemble"/>'s constructor).</summary>
    /// <exception cref="ArgumentException">A tree has more than <see cref="MaxLeaves"/> leaves, or there are more than
    /// <see cref="MaxTrees"/> trees.</exception>
    public QuickScorerEnsemble(IReadOnlyList<TreeEnsembleScorer.Tree> trees, double bias)
    {
        _trees = trees.Count;
        _leaves = trees.Count == 0 ? 1 : trees.Max(t => t.Leaf.Length);
        _bias = bias;
        _value = new double[trees.Count * MaxLeaves];
        if (trees.Count > MaxTrees)
        {
            throw new ArgumentException($"There are {trees.Count} trees; QuickScorer's packed entries hold at most {MaxTrees}.", nameof(trees));
        }

        var nodes = new List<(int Feature, float Threshold, uint Entry)>();
        var features = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree.Leaf.Length > MaxLeaves)
            {
                throw new ArgumentException($"Tree {t} has {tree.Leaf.Length} leaves; QuickScorer holds at most {MaxLeaves}.", nameof(trees));
            }

            if (tree.Feature.Length == 0)
            {
                _value[t * MaxLeaves] = tree.Weight * tree.Leaf[0];
                continue;
            }

            // In-order numbering: position of each leaf, and the run of positions under each node's left child.
            var position = 0;
            Number(0);
            (int Low, int High) Number(int node)
            {
                if (node < 0)
                {
                    var p = position++;
                    _value[(t * MaxLeaves) + p] = tree.Weight * tree.Leaf[~node];
                    return (p, p + 1);
                }

                var left = Number(tree.Left[node]);
                var right = Number(tree.Right[node]);
                // The left subtree's leaves are positions [Low, High): at most 63 of them (the right has one at least).
                nodes.Add((tree.Feature[node], tree.Threshold[node], ((uint)t << 16) | ((uint)left.Low << 8) | (uint)(left.High - left.Low)));
                features = Math.Max(features, tree.Feature[node] + 1);
                return (left.Low, right.High);
            }
        }

        // Grouped by feature, ascending threshold within a feature (ties in any order: clearing bits commutes).
        var sorted = nodes.OrderBy(n => n.Feature).ThenBy(n => n.Threshold).ToArray();
        _threshold = [.. sorted.Select(n => n.Threshold)];
        _entry = [.. sorted.Select(n => n.Entry)];
        _featureStart = new int[features + 1];
        foreach (var n in sorted) { _featureStart[n.Feature + 1]++; }
        for (var f = 0; f < features; f++) { _featureStart[f + 1] += _featureStart[f]; }
        _keep = _leaves <= VectorMaxLeaves ? [.. _entry.Select(KeepMask)] : null;
        _nodes = _leaves <= VectorMaxLeaves ? VectorNodes(_threshold, _entry) : null;
    }

    /// <summary>Gets the number of features the trees split on (the highest split feature + 1).</summary>
    public int Features => _featureStart.Length - 1;

    /// <summary>Scores rows of <paramref name="dimensions"/> features each: 16 rows at once with AVX2 when every tree has at
    /// most 32 leaves, else one row at a time; the same bits either way.</summary>
    public void Score(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        if (VectorFits)
        {
            ScoreVectorised(data, dimensions, destination);
        }
        else
        {
            ScoreScalar(data, dimensions, destination);
        }
    }

    /// <summary>Scores one row at a time (the path for hardware without AVX2 and trees of 33 to 64 leaves).</summary>
    internal void ScoreScalar(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        CheckShape(data, dimensions, destination);
        ulong[]? rented = null;
        var masks = _trees <= 1024 ? stackalloc ulong[_trees] : (rented = ArrayPool<ulong>.Shared.Rent(_trees)).AsSpan(0, _trees);
        try
        {
            ref var mask = ref MemoryMarshal.GetReference(masks);
            ref var threshold = ref MemoryMarshal.GetArrayDataReference(_threshold);
            ref var entry = ref MemoryMarshal.GetArrayDataReference(_entry);
            ref var value = ref MemoryMarshal.GetArrayDataReference(_value);
            ref var starts = ref MemoryMarshal.GetArrayDataReference(_featureStart);
            ref var rows = ref MemoryMarshal.GetReference(data);
            var features = Features;
            for (var r = 0; r < destination.Length; r++)
            {
                masks.Fill(ulong.MaxValue);
                ref var x = ref Unsafe.Add(ref rows, r * dimensions);
                for (var f = 0; f < features; f++)
                {
                    var v = Unsafe.Add(ref x, f);
                    var end = Unsafe.Add(ref starts, f + 1);
                    for (var i = Unsafe.Add(ref starts, f); i < end && !(v <= Unsafe.Add(ref threshold, i)); i++)
                    {
                        // Entry: tree (16 bits), first leaf of the left subtree (8), its leaf count (8): clear those bits.
                        var e = Unsafe.Add(ref entry, i);
                        Unsafe.Add(ref mask, (int)(e >> 16)) &= ~((((1UL << (int)(e & 0xFF)) - 1)) << (int)((e >> 8) & 0xFF));
                    }
                }

                var sum = _bias;
                for (var t = 0; t < _trees; t++)
                {
                    sum += Unsafe.Add(ref value, (t * MaxLeaves) + BitOperations.TrailingZeroCount(Unsafe.Add(ref mask, t)));
                }

                destination[r] = sum;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }
    }

    private void CheckShape(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        if (dimensions < Features)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"The trees split on {Features} features; rows of {dimensions} are too short.");
        }

        if (data.Length < (long)destination.Length * dimensions)
        {
            throw new ArgumentException($"The data hold {data.Length} values, fewer than {destination.Length} rows of {dimensions}.", nameof(data));
        }
    }
}
