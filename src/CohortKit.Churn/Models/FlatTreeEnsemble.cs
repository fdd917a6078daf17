using System.Runtime.CompilerServices;

namespace CohortKit.Churn.Models;

/// <summary>A tree ensemble laid out for batch scoring: every node of every tree in flat arrays (split feature, threshold, both
/// children side by side, weighted leaf value), leaves turned into nodes that point to themselves, and each tree walked for a
/// block of rows at once for a fixed number of steps (its depth), so the walk has no data-dependent branch.</summary>
/// <remarks>
/// <para>Scores equal <see cref="TreeEnsembleScorer.Score"/> bit for bit: the same comparisons (a row goes right unless
/// x ≤ threshold, so NaN goes right), the same leaf products weight · leaf, added to the bias in the same tree order. A leaf node
/// has threshold +∞ and both children equal to itself, so extra steps keep a finished row where it is.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
internal sealed class FlatTreeEnsemble
{
    /// <summary>The rows walked through one tree together: enough independent walks to hide the load latency, few enough that
    /// their node indices and sums stay in registers and L1.</summary>
    internal const int BlockRows = 64;

    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _children;
    private readonly double[] _value;
    private readonly int[] _root;
    private readonly int[] _depth;
    private readonly double _bias;

    public FlatTreeEnsemble(IReadOnlyList<TreeEnsembleScorer.Tree> trees, double bias)
    {
        var total = trees.Sum(t => t.Feature.Length + t.Leaf.Length);
        _feature = new int[total];
        _threshold = new float[total];
        _children = new int[2 * total];
        _value = new double[total];
        _root = new int[trees.Count];
        _depth = new int[trees.Count];
        _bias = bias;
        var next = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var internals = tree.Feature.Length;
            var leafBase = next + internals;
            int Node(int child) => child >= 0 ? next + child : leafBase + ~child;
            for (var i = 0; i < internals; i++)
            {
                _feature[next + i] = tree.Feature[i];
                _threshold[next + i] = tree.Threshold[i];
                _children[2 * (next + i)] = Node(tree.Left[i]);
                _children[(2 * (next + i)) + 1] = Node(tree.Right[i]);
            }

            for (var l = 0; l < tree.Leaf.Length; l++)
            {
                var node = leafBase + l;
                _threshold[node] = float.PositiveInfinity;
                _children[2 * node] = node;
                _children[(2 * node) + 1] = node;
                _value[node] = tree.Weight * tree.Leaf[l];
            }

            _root[t] = internals > 0 ? next : leafBase;
            _depth[t] = internals > 0 ? Depth(tree, 0) : 0;
            next += internals + tree.Leaf.Length;
        }
    }

    /// <summary>Raw scores of consecutive rows of a row-major matrix.</summary>
    /// <param name="data">The rows, <paramref name="dimensions"/> values each.</param>
    /// <param name="dimensions">Values per row.</param>
    /// <param name="destination">One score per row.</param>
    public void Score(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        Span<int> node = stackalloc int[BlockRows];
        Span<int> offset = stackalloc int[BlockRows];
        for (var start = 0; start < destination.Length; start += BlockRows)
        {
            var count = Math.Min(BlockRows, destination.Length - start);
            var sums = destination.Slice(start, count);
            sums.Fill(_bias);
            for (var i = 0; i < count; i++) { offset[i] = (start + i) * dimensions; }
            for (var t = 0; t < _root.Length; t++)
            {
                node[..count].Fill(_root[t]);
                for (var step = _depth[t]; step > 0; step--)
                {
                    for (var i = 0; i < count; i++)
                    {
                        var n = node[i];
                        node[i] = _children[(2 * n) + GoesRight(data[offset[i] + _feature[n]], _threshold[n])];
                    }
                }

                for (var i = 0; i < count; i++) { sums[i] += _value[node[i]]; }
            }
        }
    }

    /// <summary>1 unless x ≤ threshold (so NaN goes right, as in the tree walk), without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GoesRight(float x, float threshold)
    {
        var left = x <= threshold;
        return 1 - Unsafe.As<bool, byte>(ref left);
    }

    private static int Depth(TreeEnsembleScorer.Tree tree, int node)
        => node < 0 ? 0 : 1 + Math.Max(Depth(tree, tree.Left[node]), Depth(tree, tree.Right[node]));
}
