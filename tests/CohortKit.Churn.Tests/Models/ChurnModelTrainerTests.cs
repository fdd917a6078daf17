using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace CohortKit.Churn.Tests.Models;

public sealed class ChurnModelTrainerTests
{
    [Theory]
    [InlineData(ChurnModelType.FastTree, ProbabilityCalibration.Platt, 0.02)]
    [InlineData(ChurnModelType.LightGbm, ProbabilityCalibration.Isotonic, 0.02)]
    [InlineData(ChurnModelType.Logistic, ProbabilityCalibration.Platt, 0.06)] // cannot represent x₂x₃ or |x₄|
    public void Fit_KnownProbabilities_AucApproachesTheTruthsAndIsCalibrated(ChurnModelType type, ProbabilityCalibration calibration, double aucGap)
    {
        var (train, trainLabels, _) = SyntheticChurn.Generate(8000, 1);
        var (test, testLabels, truth) = SyntheticChurn.Generate(8000, 2);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, Calibration = calibration, NumberOfTrees = 100 }).Fit(train, trainLabels);
        var scores = new double[test.Rows];
        model.PredictProbabilities(test, scores);
        var oracle = ChurnMetrics.Evaluate(truth, testLabels);
        var fitted = ChurnMetrics.Evaluate(scores, testLabels);
        fitted.Auc.Should().BeGreaterThan(oracle.Auc - aucGap).And.BeLessThan(oracle.Auc + 0.01);
        // calibrated: the mean predicted probability is close to the observed churn rate, and Brier close to the oracle's
        scores.Average().Should().BeApproximately(fitted.PositiveRate, 0.02);
        fitted.Brier.Should().BeLessThan(oracle.Brier + 0.02);
    }

    /// <summary>Cross-fitted calibration: the model itself is ML.NET's FastTree on every training row (scores equal to ML.NET
    /// trained directly on all rows with the same settings), and the Platt map fitted on out-of-fold scores is calibrated against
    /// the known probabilities.</summary>
    [Fact]
    public void Fit_CrossFittedCalibration_TrainsOnEveryRowAndIsCalibrated()
    {
        var (train, trainLabels, _) = SyntheticChurn.Generate(8000, 1);
        var (test, testLabels, truth) = SyntheticChurn.Generate(8000, 2);
        var options = new ChurnTrainerOptions { NumberOfTrees = 100, CalibrationFolds = 5 };
        var model = new ChurnModelTrainer(options).Fit(train, trainLabels);

        var ml = new MLContext(options.Seed);
        var rows = Enumerable.Range(0, train.Rows).Select(r => new ChurnModelTrainer.TrainingRow { Label = trainLabels[r], Features = train.Row(r).ToArray() }).ToArray();
        var schema = SchemaDefinition.Create(typeof(ChurnModelTrainer.TrainingRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, train.Dimensions);
        var direct = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 100, NumberOfLeaves = options.NumberOfLeaves, LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf, Seed = options.Seed,
        }).Fit(ml.Data.LoadFromEnumerable(rows, schema));
        var directScores = direct.Transform(ml.Data.LoadFromEnumerable(rows, schema)).GetColumn<float>("Score").ToArray();
        for (var r = 0; r < train.Rows; r += 7) { model.Scorer.Score(train.Row(r)).Should().BeApproximately(directScores[r], 1e-4, $"row {r}"); }

        var scores = new double[test.Rows];
        model.PredictProbabilities(test, scores);
        var oracle = ChurnMetrics.Evaluate(truth, testLabels);
        var fitted = ChurnMetrics.Evaluate(scores, testLabels);
        fitted.Auc.Should().BeGreaterThan(oracle.Auc - 0.02);
        scores.Average().Should().BeApproximately(fitted.PositiveRate, 0.02);
        fitted.Brier.Should().BeLessThan(oracle.Brier + 0.02);
    }

    [Fact]
    public void FromEnsemble_FastTree_ScoresExactlyAsMlNet()
    {
        var (train, labels, _) = SyntheticChurn.Generate(3000, 3);
        var ml = new MLContext(7);
        var rows = Enumerable.Range(0, train.Rows).Select(r => new ChurnModelTrainer.TrainingRow { Label = labels[r], Features = train.Row(r).ToArray() }).ToArray();
        var schema = SchemaDefinition.Create(typeof(ChurnModelTrainer.TrainingRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, train.Dimensions);
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var fitted = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 30, NumberOfLeaves = 8 }).Fit(view);
        var mlScores = fitted.Transform(view).GetColumn<float>("Score").ToArray();
        var scorer = ChurnModelTrainer.FromEnsemble(fitted.Model.SubModel.TrainedTreeEnsemble);
        for (var r = 0; r < train.Rows; r++)
        {
            scorer.Score(train.Row(r)).Should().BeApproximately(mlScores[r], 1e-4, $"row {r}");
        }
    }

    [Fact]
    public void SaveLoad_RoundTrip_ScoresIdentically()
    {
        var (train, labels, _) = SyntheticChurn.Generate(2000, 4);
        foreach (var type in Enum.GetValues<ChurnModelType>())
        {
            var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, NumberOfTrees = 20, Calibration = ProbabilityCalibration.Isotonic }).Fit(train, labels);
            using var stream = new MemoryStream();
            model.Save(stream);
            stream.Position = 0;
            var loaded = ChurnModel.Load(stream);
            var a = new double[train.Rows];
            var b = new double[train.Rows];
            model.PredictProbabilities(train, a);
            loaded.PredictProbabilities(train, b);
            b.Should().Equal(a);
        }
    }

    [Fact]
    public void Fit_EmptyTrainingSet_ThrowsNamingFeatures()
    {
        var act = () => new ChurnModelTrainer().Fit(new FeatureMatrix(0, 3), []);
        act.Should().Throw<ArgumentException>().WithParameterName("features").WithMessage("*empty*");
    }

    [Fact]
    public void Fit_OneClassOrNaN_ThrowsNamingTheProblem()
    {
        var (train, labels, _) = SyntheticChurn.Generate(100, 5);
        FluentActions.Invoking(() => new ChurnModelTrainer().Fit(train, new bool[100])).Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("*0 churners*");
        train[7, 2] = float.NaN;
        FluentActions.Invoking(() => new ChurnModelTrainer().Fit(train, labels)).Should().Throw<ArgumentException>().WithMessage("*'x2' of row 8*");
    }

    [Fact]
    public void PredictProbabilities_OtherColumns_Throws()
    {
        var (train, labels, _) = SyntheticChurn.Generate(500, 6);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }).Fit(train, labels);
        var act = () => model.PredictProbabilities(new FeatureMatrix(3, 6), new double[3]);
        act.Should().Throw<ArgumentException>().WithParameterName("features");
    }

    [Theory]
    [InlineData(nameof(ChurnTrainerOptions.NumberOfTrees))]
    [InlineData(nameof(ChurnTrainerOptions.LearningRate))]
    [InlineData(nameof(ChurnTrainerOptions.CalibrationFraction))]
    [InlineData(nameof(ChurnTrainerOptions.CalibrationFolds))]
    public void Constructor_InvalidOption_ThrowsNamingIt(string option)
    {
        var o = new ChurnTrainerOptions();
        switch (option)
        {
            case nameof(o.NumberOfTrees): o.NumberOfTrees = 0; break;
            case nameof(o.LearningRate): o.LearningRate = double.NaN; break;
            case nameof(o.CalibrationFolds): o.CalibrationFolds = 1; break;
            default: o.CalibrationFraction = 0.9; break;
        }

        FluentActions.Invoking(() => new ChurnModelTrainer(o)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
    }
}
