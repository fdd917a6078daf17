using System.Runtime.Intrinsics.X86;
using CohortKit.Churn.Models;

namespace CohortKit.Churn.Tests.Models;

/// <summary>QuickScorer's two paths, 8 rows at once with AVX2 and row by row, against the per-row tree walk, bit for bit. CI
/// reruns the <c>*KernelTests</c> with hardware intrinsics off, where <see cref="QuickScorerEnsemble.Score"/> takes the scalar
/// path.</summary>
public sealed class QuickScorerKernelTests
{
    private const int Dimensions = 7;
    private static readonly float[] Grid = [-1f, 0f, 0.25f, 0.5f, 1f, 2f];

    /// <summary>Trees of 1 to 32 leaves (32 puts exit leaves on bit 31, the sign bit of the lane the exit leaf is read from)
    /// over every row count 0..41 (short last blocks of every size) and 1,003 rows: both paths give the walk's bits.</summary>
    [Fact]
    public void Score_TreesUpTo32Leaves_EqualsThePerRowWalkBitForBit_OnEveryRowCount()
    {
        var random = new Random(21);
        var trees = new[] { 1, 2, 32, 3, 31, 20, 32, 32, 17, 5, 32 }.Select(l => RandomTrees.Tree(random, l, Dimensions, Grid)).ToArray();
        var scorer = new TreeEnsembleScorer(trees, -0.375);
        var quick = new QuickScorerEnsemble(trees, -0.375);
        quick.VectorFits.Should().Be(Avx2.IsSupported, "trees within 32 leaves take the vectorised path exactly when AVX2 is present");
        var exitOnBit31 = 0;
        foreach (var rows in Enumerable.Range(0, 42).Append(1003))
        {
            var data = RandomTrees.Rows(random, rows, Dimensions, Grid);
            var scores = new double[rows];
            var scalar = new double[rows];
            quick.Score(data, Dimensions, scores);
            quick.ScoreScalar(data, Dimensions, scalar);
            for (var r = 0; r < rows; r++)
            {
                var row = data.AsSpan(r * Dimensions, Dimensions);
                var walked = BitConverter.DoubleToInt64Bits(scorer.Score(row));
                BitConverter.DoubleToInt64Bits(scores[r]).Should().Be(walked, $"row {r} of {rows} (Score)");
                BitConverter.DoubleToInt64Bits(scalar[r]).Should().Be(walked, $"row {r} of {rows} (row by row)");
                foreach (var tree in trees)
                {
                    exitOnBit31 += tree.Leaf.Length == 32 && ExitPosition(tree, row) == 31 ? 1 : 0;
                }
            }
        }

        exitOnBit31.Should().BeGreaterThan(0, "some rows must leave a 32-leaf tree by its last leaf (bit 31)");
    }

    /// <summary>The vectorised path reads the rows it is given and no more: scoring a prefix of rows gives the same values as
    /// scoring them inside a longer batch, whatever follows them, so a short last block never reads past its rows.</summary>
    [Fact]
    public void ScoreVectorised_ShortLastBlock_ReadsOnlyItsOwnRows()
    {
        if (!Avx2.IsSupported)
        {
            new QuickScorerEnsemble([RandomTrees.Tree(new Random(1), 4, Dimensions, Grid)], 0)
                .Invoking(q => q.ScoreVectorised(new float[Dimensions], Dimensions, new double[1]))
                .Should().Throw<NotSupportedException>().WithMessage("*AVX2*");
            return;
        }

        var random = new Random(5);
        var trees = Enumerable.Range(0, 9).Select(_ => RandomTrees.Tree(random, 12, Dimensions, Grid)).ToArray();
        var quick = new QuickScorerEnsemble(trees, 0);
        var data = RandomTrees.Rows(random, 16, Dimensions, Grid);
        var all = new double[16];
        quick.ScoreVectorised(data, Dimensions, all);
        for (var rows = 1; rows < 8; rows++)
        {
            // The rows after the prefix become NaN: a lane that read them would go right at every node.
            var prefix = data.ToArray();
            prefix.AsSpan(rows * Dimensions).Fill(float.NaN);
            var scores = new double[rows];
            quick.ScoreVectorised(prefix.AsSpan(0, rows * Dimensions), Dimensions, scores);
            scores.Should().Equal(all.Take(rows), $"{rows} rows");
        }
    }

    /// <summary>A tree of 33 leaves does not fit a 32-bit lane: QuickScorer scores row by row, the same bits as the walk, and
    /// the vectorised path refuses it by name.</summary>
    [Fact]
    public void Score_TreeOf33Leaves_FallsBackToRowByRow()
    {
        var random = new Random(8);
        var trees = new[] { RandomTrees.Tree(random, 33, Dimensions, Grid), RandomTrees.Tree(random, 8, Dimensions, Grid) };
        var scorer = new TreeEnsembleScorer(trees, 0.5);
        var quick = new QuickScorerEnsemble(trees, 0.5);
        quick.VectorFits.Should().BeFalse();
        quick.Invoking(q => q.ScoreVectorised(new float[Dimensions], Dimensions, new double[1]))
            .Should().Throw<NotSupportedException>().WithMessage("*at most 32 leaves (largest: 33)*");
        var data = RandomTrees.Rows(random, 257, Dimensions, Grid);
        var scores = new double[257];
        quick.Score(data, Dimensions, scores);
        for (var r = 0; r < scores.Length; r++)
        {
            scores[r].Should().Be(scorer.Score(data.AsSpan(r * Dimensions, Dimensions)), $"row {r}");
        }
    }

    [Fact]
    public void Score_RowsTooShortOrTooFew_ThrowsNamingTheParameter()
    {
        var quick = new QuickScorerEnsemble([new TreeEnsembleScorer.Tree([0, 2], [0.5f, 1f], [1, ~0], [~2, ~1], [10, 20, 30], 2)], 0);
        quick.Invoking(q => q.Score(new float[4], 2, new double[2])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimensions");
        quick.Invoking(q => q.Score(new float[8], 3, new double[3])).Should().Throw<ArgumentException>().WithParameterName("data");
    }

    /// <summary>The in-order position of the leaf a row reaches (the bit QuickScorer must find), by walking the tree.</summary>
    private static int ExitPosition(TreeEnsembleScorer.Tree tree, ReadOnlySpan<float> row)
    {
        var position = 0;
        var node = 0;
        while (node >= 0)
        {
            if (row[tree.Feature[node]] <= tree.Threshold[node])
            {
                node = tree.Left[node];
            }
            else
            {
                position += Leaves(tree, tree.Left[node]);
                node = tree.Right[node];
            }
        }

        return position;
    }

    private static int Leaves(TreeEnsembleScorer.Tree tree, int node) => node < 0 ? 1 : Leaves(tree, tree.Left[node]) + Leaves(tree, tree.Right[node]);
}
