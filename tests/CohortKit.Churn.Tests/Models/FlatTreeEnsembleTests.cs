using CohortKit.Churn.Models;
using CohortKit.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace CohortKit.Churn.Tests.Models;

/// <summary>The blocked, branch-free batch scorer gives the per-row tree walk's scores bit for bit, and ML.NET's.</summary>
public sealed class FlatTreeEnsembleTests
{
    [Theory]
    [InlineData(ChurnModelType.FastTree)]
    [InlineData(ChurnModelType.LightGbm)]
    public void ScoreRows_AnyRows_EqualsThePerRowWalkBitForBit(ChurnModelType type)
    {
        var (train, labels, _) = SyntheticChurn.Generate(4000, 5);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, NumberOfTrees = 60, NumberOfLeaves = 20, MinimumExampleCountPerLeaf = 5 }).Fit(train, labels);
        var scorer = (TreeEnsembleScorer)model.Scorer;

        // 1,000 + 37 rows (not a multiple of the block): random values, values exactly on thresholds, NaN and ±∞.
        var (rows, _, _) = SyntheticChurn.Generate(1037, 6);
        var data = rows.AsSpan();
        var thresholds = scorer.Trees.SelectMany(t => t.Feature.Select((f, i) => (f, t.Threshold[i]))).ToArray();
        var random = new Random(7);
        for (var r = 0; r < 300; r++)
        {
            var (feature, threshold) = thresholds[random.Next(thresholds.Length)];
            data[(r * rows.Dimensions) + feature] = threshold;
        }

        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (var r = 300; r < 400; r++) { data[(r * rows.Dimensions) + random.Next(rows.Dimensions)] = specials[r % 3]; }
        var quick = new double[rows.Rows];
        var blocked = new double[rows.Rows];
        var scalar = new double[rows.Rows];
        scorer.ScoreRows(data, rows.Dimensions, quick);
        scorer.ScoreRowsByWalk(data, rows.Dimensions, blocked);
        scorer.ScoreRowsByScalarQuickScorer(data, rows.Dimensions, scalar);
        for (var r = 0; r < rows.Rows; r++)
        {
            var walked = BitConverter.DoubleToInt64Bits(scorer.Score(rows.Row(r)));
            BitConverter.DoubleToInt64Bits(blocked[r]).Should().Be(walked, $"row {r} (blocked walk)");
            BitConverter.DoubleToInt64Bits(quick[r]).Should().Be(walked, $"row {r} (QuickScorer, vectorised with AVX2)");
            BitConverter.DoubleToInt64Bits(scalar[r]).Should().Be(walked, $"row {r} (QuickScorer, row by row)");
        }
    }

    [Fact]
    public void PredictProbabilities_BlockedScorer_EqualsTheCalibratedPerRowWalk()
    {
        var (train, labels, _) = SyntheticChurn.Generate(3000, 8);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 40 }).Fit(train, labels);
        var (rows, _, _) = SyntheticChurn.Generate(10_001, 9);
        var probabilities = new double[rows.Rows];
        model.PredictProbabilities(rows, probabilities);
        for (var r = 0; r < rows.Rows; r++)
        {
            probabilities[r].Should().Be(model.Calibrator.Apply(model.Scorer.Score(rows.Row(r))), $"row {r}");
        }
    }

    [Fact]
    public void ScoreRows_FastTree_EqualsMlNetsScores()
    {
        var (train, labels, _) = SyntheticChurn.Generate(3000, 3);
        var ml = new MLContext(7);
        var rows = Enumerable.Range(0, train.Rows).Select(r => new ChurnModelTrainer.TrainingRow { Label = labels[r], Features = train.Row(r).ToArray() }).ToArray();
        var schema = SchemaDefinition.Create(typeof(ChurnModelTrainer.TrainingRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, train.Dimensions);
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var fitted = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 30, NumberOfLeaves = 8 }).Fit(view);
        var mlScores = fitted.Transform(view).GetColumn<float>("Score").ToArray();
        var blocked = new double[train.Rows];
        ChurnModelTrainer.FromEnsemble(fitted.Model.SubModel.TrainedTreeEnsemble).ScoreRows(train.AsSpan(), train.Dimensions, blocked);
        for (var r = 0; r < train.Rows; r++) { blocked[r].Should().BeApproximately(mlScores[r], 1e-4, $"row {r}"); }
    }

    [Fact]
    public void Score_HandWrittenTree_WalksToTheRightLeaves_AndRefusesShortRowsAndCycles()
    {
        // x0 ≤ 0.5 ? (x2 ≤ 1 ? leaf0 : leaf1) : leaf2, weight 2, bias 0.25; NaN goes right.
        var tree = new TreeEnsembleScorer.Tree([0, 2], [0.5f, 1f], [1, ~0], [~2, ~1], [10, 20, 30], 2);
        var flat = new FlatTreeEnsemble([tree], 0.25);
        float[] rows = [0.1f, 9, 0.9f, /**/ 0.1f, 9, 1.5f, /**/ 0.7f, 9, 0, /**/ float.NaN, 9, 0];
        var scores = new double[4];
        flat.Score(rows, 3, scores);
        scores.Should().Equal(20.25, 40.25, 60.25, 60.25);

        var quick = new QuickScorerEnsemble([tree], 0.25);
        var quickScores = new double[4];
        quick.Score(rows, 3, quickScores);
        quickScores.Should().Equal(20.25, 40.25, 60.25, 60.25);
        quick.Invoking(q => q.Score(new float[4], 2, new double[2])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimensions");

        var shortRows = () => flat.Score(new float[4], 2, new double[2]);
        shortRows.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("dimensions").WithMessage("*split on 3 features*");
        var cyclic = new TreeEnsembleScorer.Tree([0, 1], [0.5f, 0.5f], [1, 0], [~0, ~1], [1, 2, 3], 1);
        var build = () => new FlatTreeEnsemble([cyclic], 0);
        build.Should().Throw<InvalidDataException>().WithMessage("*do not form a tree*");
    }

    /// <summary>Random trees of every shape up to 64 leaves (unbalanced, one leaf, thresholds shared between nodes and trees)
    /// on rows that sit on thresholds, and NaN/±∞: QuickScorer's exit leaves are the walk's, so the scores are equal bit for
    /// bit; a 65-leaf tree is refused by QuickScorer and scored by the walk.</summary>
    [Fact]
    public void QuickScorer_RandomTreesOfAnyShape_EqualsThePerRowWalkBitForBit()
    {
        var random = new Random(11);
        const int Dimensions = 7;
        float[] grid = [-1f, 0f, 0.25f, 0.5f, 1f, 2f];
        var trees = new List<TreeEnsembleScorer.Tree>();
        foreach (var leaves in new[] { 1, 2, 3, 20, 31, 63, 64, 64, 5 })
        {
            trees.Add(RandomTrees.Tree(random, leaves, Dimensions, grid));
        }

        var scorer = new TreeEnsembleScorer([.. trees], 0.125);
        var rows = 2000;
        var data = RandomTrees.Rows(random, rows, Dimensions, grid);
        var quick = new double[rows];
        scorer.ScoreRows(data, Dimensions, quick);
        for (var r = 0; r < rows; r++)
        {
            BitConverter.DoubleToInt64Bits(quick[r]).Should().Be(BitConverter.DoubleToInt64Bits(scorer.Score(data.AsSpan(r * Dimensions, Dimensions))), $"row {r}");
        }

        var big = RandomTrees.Tree(random, 65, Dimensions, grid);
        FluentActions.Invoking(() => new QuickScorerEnsemble([big], 0)).Should().Throw<ArgumentException>().WithMessage("*65 leaves*");
        var wide = new TreeEnsembleScorer([big, trees[3]], 0);
        var wideScores = new double[rows];
        wide.ScoreRows(data, Dimensions, wideScores);
        for (var r = 0; r < rows; r++) { wideScores[r].Should().Be(wide.Score(data.AsSpan(r * Dimensions, Dimensions)), $"row {r}"); }
    }
}
