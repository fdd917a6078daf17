using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    private readonly Node[] _nodes;
    private readonly double[] _value;
    private readonly int[] _root;
    private readonly int[] _depth;
    private readonly double _bias;
    private readonly int _features;

    public FlatTreeEnsemble(IReadOnlyList<TreeEnsembleScorer.Tree> trees, double bias)
    {
        var total = trees.Sum(t => t.Feature.Length + t.Leaf.Length);
        _nodes = new Node[total];
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
            int Child(int child) => child >= 0 ? next + child : leafBase + ~child;
            for (var i = 0; i < internals; i++)
            {
                _nodes[next + i] = new Node(tree.Feature[i], tree.Threshold[i], Child(tree.Left[i]), Child(tree.Right[i]));
            }

            for (var l = 0; l < tree.Leaf.Length; l++)
            {
                var node = leafBase + l;
                _nodes[node] = new Node(0, float.PositiveInfinity, node, node);
                _value[node] = tree.Weight * tree.Leaf[l];
            }

            _features = Math.Max(_features, tree.Feature.Length == 0 ? 0 : tree.Feature.Max() + 1);
            _root[t] = internals > 0 ? next : leafBase;
            _depth[t] = internals > 0 ? Depth(tree, 0) : 0;
            next += internals + tree.Leaf.Length;
        }
    }

    /// <summary>Scores rows of <paramref name="dimensions"/> features each.</summary>
    /// <remarks>The inner loop reads through references without bounds checks: every node index comes from the constructor
    /// (children of real nodes), and every feature index was checked against the model's feature count when the model was
    /// built; <paramref name="data"/> must hold <paramref name="destination"/>.Length rows (checked here).</remarks>
    public void Score(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        if (dimensions < _features)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"The trees split on {_features} features; rows of {dimensions} are too short.");
        }

        if (data.Length < (long)destination.Length * dimensions)
        {
            throw new ArgumentException($"The data hold {data.Length} values, fewer than {destination.Length} rows of {dimensions}.", nameof(data));
        }

        Span<int> node = stackalloc int[BlockRows];
        Span<int> offset = stackalloc int[BlockRows];
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var values = ref MemoryMarshal.GetArrayDataReference(_value);
        ref var x = ref MemoryMarshal.GetReference(data);
        ref var at = ref MemoryMarshal.GetReference(node);
        ref var rowStart = ref MemoryMarshal.GetReference(offset);
        for (var start = 0; start < destination.Length; start += BlockRows)
        {
            var count = Math.Min(BlockRows, destination.Length - start);
            var sums = destination.Slice(start, count);
            sums.Fill(_bias);
            for (var i = 0; i < count; i++) { Unsafe.Add(ref rowStart, i) = (start + i) * dimensions; }
            for (var t = 0; t < _root.Length; t++)
            {
                node[..count].Fill(_root[t]);
                for (var step = _depth[t]; step > 0; step--)
                {
                    // A block whose rows all sit on leaves stops early (leaves point to themselves): FastTree grows trees
                    // leaf-wise, so most rows finish well before the deepest leaf.
                    var moved = 0;
                    for (var i = 0; i < count; i++)
                    {
                        ref var n = ref Unsafe.Add(ref at, i);
                        ref readonly var split = ref Unsafe.Add(ref nodes, n);
                        var next = Unsafe.Add(ref Unsafe.AsRef(in split.Left), GoesRight(Unsafe.Add(ref x, Unsafe.Add(ref rowStart, i) + split.Feature), split.Threshold));
                        moved |= next ^ n;
                        n = next;
                    }

                    if (moved == 0)
                    {
                        break;
                    }
                }

                for (var i = 0; i < count; i++) { sums[i] += Unsafe.Add(ref values, Unsafe.Add(ref at, i)); }
            }
        }
    }

    /// <summary>A node: split feature and threshold, then both children side by side (left, right), so that the child is
    /// read as <c>Left</c> + 0 or + 1.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Node(int feature, float threshold, int left, int right)
    {
        public readonly int Feature = feature;
        public readonly float Threshold = threshold;
        public readonly int Left = left;
        public readonly int Right = right;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GoesRight(float x, float threshold)
    {
        var left = x <= threshold;
        return 1 - Unsafe.As<bool, byte>(ref left);
    }

    /// <summary>The longest root-to-leaf path; a node reached twice (a cycle or a shared child) is refused, because the walk
    /// reads without bounds checks and must only ever meet the nodes of a tree.</summary>
    private static int Depth(TreeEnsembleScorer.Tree tree, int root)
    {
        var seen = new bool[tree.Feature.Length];
        var deepest = 0;
        var stack = new Stack<(int Node, int Depth)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (node < 0)
            {
                deepest = Math.Max(deepest, depth);
                continue;
            }

            if (node >= seen.Length || seen[node])
            {
                throw new InvalidDataException($"A tree's node {node} is out of range or reached twice: the nodes do not form a tree.");
            }

            seen[node] = true;
            stack.Push((tree.Left[node], depth + 1));
            stack.Push((tree.Right[node], depth + 1));
        }

        return deepest;
    }
}
