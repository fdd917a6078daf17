namespace CohortKit.Churn.Models;

/// <summary>A fitted model's raw (uncalibrated) score of one row of features.</summary>
internal abstract class RawScorer
{
    public abstract double Score(ReadOnlySpan<float> row);

    /// <summary>Raw scores of consecutive rows of a row-major matrix; the same values as <see cref="Score"/> row by row.</summary>
    public virtual void ScoreRows(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        for (var r = 0; r < destination.Length; r++) { destination[r] = Score(data.Slice(r * dimensions, dimensions)); }
    }
}

/// <summary>A boosted tree ensemble copied out of ML.NET (FastTree or LightGBM): Σ weight_t · leaf_t(x) + bias, where each
/// tree sends a row left when its split feature is ≤ the threshold; a child index &lt; 0 is the leaf ~index.</summary>
internal sealed class TreeEnsembleScorer(TreeEnsembleScorer.Tree[] trees, double bias) : RawScorer
{
    private readonly FlatTreeEnsemble _flat = new(trees, bias); // first: its constructor refuses what is not a tree

    private readonly bool _quickFits = trees.Length <= QuickScorerEnsemble.MaxTrees && trees.All(t => t.Leaf.Length <= QuickScorerEnsemble.MaxLeaves);

    private QuickScorerEnsemble? _quick;

    /// <summary>Built on first use (a benign race: two threads may both build it; either copy is the same).</summary>
    private QuickScorerEnsemble Quick => _quick ??= new QuickScorerEnsemble(Trees, Bias);

    /// <summary>One regression tree in flat arrays (node i: feature, threshold, left, right; leaves by ~index).</summary>
    internal sealed record Tree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Leaf, double Weight);

    public Tree[] Trees { get; } = trees;

    public double Bias { get; } = bias;

    public override double Score(ReadOnlySpan<float> row)
    {
        var sum = Bias;
        foreach (var tree in Trees)
        {
            var node = 0;
            if (tree.Feature.Length > 0)
            {
                while (node >= 0)
                {
                    node = row[tree.Feature[node]] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node];
                }

                node = ~node;
            }

            sum += tree.Weight * tree.Leaf[node];
        }

        return sum;
    }

    /// <summary>Scores rows by QuickScorer (<see cref="QuickScorerEnsemble"/>: 16 rows at once with AVX2 and trees of at most 32
    /// leaves, else row by row) when every tree has at most 64 leaves (and there are at most 65,536 trees), else blocks of rows
    /// tree by tree through the flat layout (<see cref="FlatTreeEnsemble"/>); each equals <see cref="Score"/> bit for bit.</summary>
    public override void ScoreRows(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        if (_quickFits)
        {
            Quick.Score(data, dimensions, destination);
        }
        else
        {
            _flat.Score(data, dimensions, destination);
        }
    }

    /// <summary>Scores by QuickScorer one row at a time whatever the hardware (the path without AVX2; a benchmark baseline).</summary>
    /// <exception cref="NotSupportedException">A tree has more than 64 leaves.</exception>
    internal void ScoreRowsByScalarQuickScorer(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
        => (_quickFits ? Quick : throw new NotSupportedException("A tree has more than 64 leaves.")).ScoreScalar(data, dimensions, destination);

    /// <summary>Scores by the 8-row vectorised QuickScorer the 16-row one replaced (decision #66; a benchmark baseline).</summary>
    /// <exception cref="NotSupportedException">No AVX2, or a tree has more than 32 leaves.</exception>
    internal void ScoreRowsByEightRowBlocks(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
        => (_quickFits ? Quick : throw new NotSupportedException("A tree has more than 64 leaves.")).ScoreEightRowBlocks(data, dimensions, destination);

    /// <summary>Scores through the flat tree-by-tree layout whatever the leaf count (the blocked walk QuickScorer replaced; kept
    /// for trees of more than 64 leaves and as a benchmark baseline).</summary>
    internal void ScoreRowsByWalk(ReadOnlySpan<float> data, int dimensions, Span<double> destination) => _flat.Score(data, dimensions, destination);
}

/// <summary>A linear score b + Σ w_j (x_j − μ_j) / σ_j on features standardised with the training means and deviations.</summary>
internal sealed class LinearScorer(double[] weights, double[] means, double[] scales, double bias) : RawScorer
{
    public double[] Weights { get; } = weights;

    public double[] Means { get; } = means;

    public double[] Scales { get; } = scales;

    public double Bias { get; } = bias;

    public override double Score(ReadOnlySpan<float> row)
    {
        var sum = Bias;
        for (var j = 0; j < Weights.Length; j++) { sum += Weights[j] * (row[j] - Means[j]) / Scales[j]; }
        return sum;
    }
}
