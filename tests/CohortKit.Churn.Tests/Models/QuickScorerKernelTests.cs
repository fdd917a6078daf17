using System.Runtime.Intrinsics.X86;
using CohortKit.Churn.Models;

namespace CohortKit.Churn.Tests.Models;

/// <summary>QuickScorer's paths, 16 rows at once with AVX2 (the default), 8 rows at once (the kernel it replaced, a benchmark
/// baseline) and row by row, against the per-row tree walk, bit for bit. CI reruns the <c>*KernelTests</c> with hardware
/// intrinsics off, where <see cref="QuickScorerEnsemble.Score"/> takes the scalar path.</summary>
public sealed class QuickScorerKernelTests
{
    private const int Dimensions = 7;
    private static readonly float[] Grid = [-1f, 0f, 0.25f, 0.5f, 1f, 2f];

    /// <summary>Trees of 1 to 32 leaves (32 puts exit leaves on bit 31, the sign bit of the lane the exit leaf is read from)
    /// over every row count 0..48 (short last blocks of every size, for 8- and 16-row blocks) and 1,003 rows: every path gives
    /// the walk's bits.</summary>
    [Fact]
    public void Score_TreesUpTo32Leaves_EqualsThePerRowWalkBitForBit_OnEveryRowCount()
    {
        var random = new Random(21);
        var trees = new[] { 1, 2, 32, 3, 31, 20, 32, 32, 17, 5, 32 }.Select(l => RandomTrees.Tree(random, l, Dimensions, Grid)).ToArray();
        var scorer = new TreeEnsembleScorer(trees, -0.375);
        var quick = new QuickScorerEnsemble(trees, -0.375);
        quick.VectorFits.Should().Be(Avx2.IsSupported, "trees within 32 leaves take the vectorised path exactly when AVX2 is present");
        var exitOnBit31 = 0;
        foreach (var rows in Enumerable.Range(0, 49).Append(1003))
        {
            var data = RandomTrees.Rows(random, rows, Dimensions, Grid);
            var scores = new double[rows];
            var scalar = new double[rows];
            var eight = new double[rows];
            quick.Score(data, Dimensions, scores);
            quick.ScoreScalar(data, Dimensions, scalar);
            if (Avx2.IsSupported)
            {
                quick.ScoreEightRowBlocks(data, Dimensions, eight);
            }

            for (var r = 0; r < rows; r++)
            {
                var row = data.AsSpan(r * Dimensions, Dimensions);
                var walked = BitConverter.DoubleToInt64Bits(scorer.Score(row));
                BitConverter.DoubleToInt64Bits(scores[r]).Should().Be(walked, $"row {r} of {rows} (Score)");
                BitConverter.DoubleToInt64Bits(scalar[r]).Should().Be(walked, $"row {r} of {rows} (row by row)");
                if (Avx2.IsSupported)
                {
                    BitConverter.DoubleToInt64Bits(eight[r]).Should().Be(walked, $"row {r} of {rows} (8-row blocks)");
                }

                foreach (var tree in trees)
                {
                    exitOnBit31 += tree.Leaf.Length == 32 && ExitPosition(tree, row) == 31 ? 1 : 0;
                }
            }
        }

        exitOnBit31.Should().BeGreaterThan(0, "some rows must leave a 32-leaf tree by its last leaf (bit 31)");
    }

    /// <summary>The vectorised paths read the rows they are given and no more: scoring a prefix of rows gives the same values as
    /// scoring them inside a longer batch, whatever follows them, so a short last block (1 to 15 rows of 16, 1 to 7 of 8)
    /// never reads past its rows.</summary>
    [Fact]
    public void ScoreVectorised_ShortLastBlock_ReadsOnlyItsOwnRows()
    {
        if (!Avx2.IsSupported)
        {
            var fallback = new QuickScorerEnsemble([RandomTrees.Tree(new Random(1), 4, Dimensions, Grid)], 0);
            fallback.Invoking(q => q.ScoreVectorised(new float[Dimensions], Dimensions, new double[1])).Should().Throw<NotSupportedException>().WithMessage("*AVX2*");
            fallback.Invoking(q => q.ScoreEightRowBlocks(new float[Dimensions], Dimensions, new double[1])).Should().Throw<NotSupportedException>().WithMessage("*AVX2*");
            return;
        }

        var random = new Random(5);
        var trees = Enumerable.Range(0, 9).Select(_ => RandomTrees.Tree(random, 12, Dimensions, Grid)).ToArray();
        var quick = new QuickScorerEnsemble(trees, 0);
        var data = RandomTrees.Rows(random, 2 * QuickScorerEnsemble.BlockRows, Dimensions, Grid);
        foreach (var (kernel, block) in new (VectorKernel Kernel, int Block)[] { (quick.ScoreVectorised, QuickScorerEnsemble.BlockRows), (quick.ScoreEightRowBlocks, QuickScorerEnsemble.Lanes) })
        {
            var all = new double[data.Length / Dimensions];
            kernel(data, Dimensions, all);
            for (var rows = 1; rows < block; rows++)
            {
                // The rows after the prefix become NaN: a lane that read them would go right at every node.
                var prefix = data.ToArray();
                prefix.AsSpan(rows * Dimensions).Fill(float.NaN);
                var scores = new double[rows];
                kernel(prefix.AsSpan(0, rows * Dimensions), Dimensions, scores);
                scores.Should().Equal(all.Take(rows), $"{rows} rows of a {block}-row block");
            }
        }
    }

    /// <summary>The 16-row scan of a feature stops when the largest of the block's values passes a node; a NaN in any one lane
    /// must keep it scanning (that row fails every node). Blocks where 15 rows pass every node (−2, below every threshold) and
    /// one row, in each of the 16 lanes in turn, is NaN, +∞ or sits exactly on a threshold give the walk's bits.</summary>
    [Fact]
    public void Score_OneRowNaNInfinityOrOnAThresholdAmongPassingRows_EqualsThePerRowWalk()
    {
        var random = new Random(13);
        var trees = Enumerable.Range(0, 6).Select(_ => RandomTrees.Tree(random, 20, Dimensions, Grid)).ToArray();
        var scorer = new TreeEnsembleScorer(trees, 0.25);
        var quick = new QuickScorerEnsemble(trees, 0.25);
        var block = QuickScorerEnsemble.BlockRows;
        var checkedRows = 0;
        foreach (var odd in new[] { float.NaN, float.PositiveInfinity, 0.5f, 2f })
        {
            for (var lane = 0; lane < block; lane++)
            {
                var data = new float[block * Dimensions];
                data.AsSpan().Fill(-2f);
                for (var f = 0; f < Dimensions; f++) { data[(lane * Dimensions) + f] = odd; }
                var scores = new double[block];
                quick.Score(data, Dimensions, scores);
                for (var r = 0; r < block; r++)
                {
                    BitConverter.DoubleToInt64Bits(scores[r]).Should().Be(BitConverter.DoubleToInt64Bits(scorer.Score(data.AsSpan(r * Dimensions, Dimensions))), $"row {r}, odd value {odd} in lane {lane}");
                    checkedRows++;
                }

                scores[lane].Should().NotBe(scores[(lane + 1) % block], $"the odd row ({odd}) must leave some tree by another leaf than the rows at −2");
            }
        }

        checkedRows.Should().Be(4 * block * block);
    }

    /// <summary>Edge shapes of the mask buffer: no tree (the bias alone), only single-leaf trees (no split node, no feature to
    /// scan), and 300 trees (masks past the stack budget of 255 trees, in a rented buffer): every path gives the walk's bits.</summary>
    [Theory]
    [InlineData(0, 20)]
    [InlineData(5, 1)]
    [InlineData(300, 20)]
    public void Score_NoTreesSingleLeavesOrManyTrees_EqualsThePerRowWalk(int treeCount, int maxLeaves)
    {
        var random = new Random(17 + treeCount);
        var trees = Enumerable.Range(0, treeCount).Select(_ => RandomTrees.Tree(random, random.Next(1, maxLeaves + 1), Dimensions, Grid)).ToArray();
        var scorer = new TreeEnsembleScorer(trees, -1.5);
        var quick = new QuickScorerEnsemble(trees, -1.5);
        var data = RandomTrees.Rows(random, 37, Dimensions, Grid);
        var scores = new double[37];
        var scalar = new double[37];
        quick.Score(data, Dimensions, scores);
        quick.ScoreScalar(data, Dimensions, scalar);
        for (var r = 0; r < scores.Length; r++)
        {
            var walked = BitConverter.DoubleToInt64Bits(scorer.Score(data.AsSpan(r * Dimensions, Dimensions)));
            BitConverter.DoubleToInt64Bits(scores[r]).Should().Be(walked, $"row {r} (Score)");
            BitConverter.DoubleToInt64Bits(scalar[r]).Should().Be(walked, $"row {r} (row by row)");
        }

        if (treeCount == 0)
        {
            scores.Should().AllBeEquivalentTo(-1.5);
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
        quick.Invoking(q => q.ScoreEightRowBlocks(new float[Dimensions], Dimensions, new double[1]))
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

    private delegate void VectorKernel(ReadOnlySpan<float> data, int dimensions, Span<double> destination);

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
