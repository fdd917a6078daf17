using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace CohortKit.Churn.Tests.Models;

public sealed class ChurnModelTrainerTests
{
    [Theory]
    [InlineData(ChurnModelType.FastTree, ProbabilityCalibration.Platt, 0.02)]
    [InlineData(ChurnModelType.LightGbm, ProbabilityCalibration.Isotonic, 0.02)]
    [InlineData(ChurnModelType.Logistic, ProbabilityCalibration.Platt, 0.06)] // cannot represent x₂x₃ or |x₄|
    [InlineData(ChurnModelType.Blend, ProbabilityCalibration.Platt, 0.02)]
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

    /// <summary>The calibration ensemble is the mean, on the log-odds scale, of k fold models: each ML.NET's FastTree trained
    /// directly on the other folds, with Platt's map fitted here by Newton's method on its scores of its own fold. Recomputed
    /// member by member outside the trainer and compared with the folded single ensemble; then checked against the known
    /// probabilities.</summary>
    [Theory]
    [InlineData(ChurnModelType.FastTree)]
    [InlineData(ChurnModelType.LightGbm)]
    public void Fit_CalibrationEnsemble_IsTheMeanLogOddsOfThePlattCalibratedFoldModels(ChurnModelType type)
    {
        var (train, trainLabels, _) = SyntheticChurn.Generate(4000, 1);
        var (test, testLabels, truth) = SyntheticChurn.Generate(4000, 2);
        var options = new ChurnTrainerOptions { ModelType = type, NumberOfTrees = 60, CalibrationFolds = 4, CalibrationEnsemble = true };
        var model = new ChurnModelTrainer(options).Fit(train, trainLabels);
        var fold = CohortKit.Churn.Tabular.CrossValidator.AssignFolds(trainLabels, 4, options.Seed);
        var expected = new double[test.Rows];
        for (var k = 0; k < 4; k++)
        {
            var fit = Enumerable.Range(0, train.Rows).Where(i => fold[i] != k).ToArray();
            var held = Enumerable.Range(0, train.Rows).Where(i => fold[i] == k).ToArray();
            var member = DirectTrees(train, trainLabels, fit, options);
            var (a, b) = PlattByNewton(member(train, held), [.. held.Select(i => trainLabels[i])]);
            var testScores = member(test, [.. Enumerable.Range(0, test.Rows)]);
            for (var r = 0; r < test.Rows; r++) { expected[r] += (a * testScores[r] + b) / 4; }
        }

        var probabilities = new double[test.Rows];
        model.PredictProbabilities(test, probabilities);
        for (var r = 0; r < test.Rows; r++)
        {
            var logOdds = Math.Log(probabilities[r] / (1 - probabilities[r]));
            logOdds.Should().BeApproximately(expected[r], 1e-4, $"row {r}");
        }

        var oracle = ChurnMetrics.Evaluate(truth, testLabels);
        var fitted = ChurnMetrics.Evaluate(probabilities, testLabels);
        fitted.Auc.Should().BeGreaterThan(oracle.Auc - 0.03);
        probabilities.Average().Should().BeApproximately(fitted.PositiveRate, 0.02);
        fitted.Brier.Should().BeLessThan(oracle.Brier + 0.02);

        // one model file: saved and reloaded it scores the same
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var reloaded = new double[test.Rows];
        ChurnModel.Load(stream).PredictProbabilities(test, reloaded);
        reloaded.Should().Equal(probabilities);
    }

    /// <summary>LightGBM on rows it cannot split (one constant feature) with as many churners as not: ML.NET then fails to build
    /// its model (an ArgumentNullException naming no option: `churn train-table --model LightGbm` exited 2 with "Value cannot be
    /// null."). The model is the constant score FastTree gives in that case, so everyone gets the calibration rows' churn rate,
    /// here exactly 1/2 (200 churners among 400 rows; stratified calibration rows and folds keep the halves).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_LightGbmOnRowsItCannotSplit_GivesEveryoneTheChurnRate(bool ensemble)
    {
        var features = new FeatureMatrix(400, 1, ["constant"]);
        features.AsSpan().Fill(1);
        var labels = Enumerable.Range(0, 400).Select(i => i % 2 == 0).ToArray();
        var options = new ChurnTrainerOptions { ModelType = ChurnModelType.LightGbm, NumberOfTrees = 20, CalibrationFolds = ensemble ? 4 : 0, CalibrationEnsemble = ensemble };
        var model = new ChurnModelTrainer(options).Fit(features, labels);
        var probabilities = new double[features.Rows];
        model.PredictProbabilities(features, probabilities);
        probabilities.Should().OnlyContain(p => Math.Abs(p - 0.5) < 1e-12);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        ChurnModel.Load(stream).PredictProbabilities(features, probabilities);
        probabilities.Should().OnlyContain(p => Math.Abs(p - 0.5) < 1e-12, "the file of a model with no tree loads");
    }

    [Theory]
    [InlineData(0, ProbabilityCalibration.Platt, ChurnModelType.FastTree, "CalibrationFolds")]
    [InlineData(5, ProbabilityCalibration.Isotonic, ChurnModelType.FastTree, "Platt")]
    [InlineData(5, ProbabilityCalibration.Platt, ChurnModelType.Logistic, "tree learner")]
    [InlineData(5, ProbabilityCalibration.Platt, ChurnModelType.Blend, "tree learner")]
    public void Constructor_CalibrationEnsembleWithoutFoldsPlattOrTrees_ThrowsNamingIt(int folds, ProbabilityCalibration calibration, ChurnModelType type, string reason)
    {
        var o = new ChurnTrainerOptions { CalibrationEnsemble = true, CalibrationFolds = folds, Calibration = calibration, ModelType = type };
        FluentActions.Invoking(() => new ChurnModelTrainer(o)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName(nameof(ChurnTrainerOptions.CalibrationEnsemble)).WithMessage($"*{reason}*");
    }

    /// <summary>ML.NET's FastTree or LightGBM trained on the given rows with the options' settings; returns its raw scores of given rows.</summary>
    private static Func<FeatureMatrix, int[], double[]> DirectTrees(FeatureMatrix features, bool[] labels, int[] rows, ChurnTrainerOptions options)
    {
        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(ChurnModelTrainer.TrainingRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features.Dimensions);
        var data = rows.Select(r => new ChurnModelTrainer.TrainingRow { Label = labels[r], Features = features.Row(r).ToArray() }).ToArray();
        var view = ml.Data.LoadFromEnumerable(data, schema);
        ITransformer fitted = options.ModelType == ChurnModelType.LightGbm
            ? ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = options.NumberOfTrees, NumberOfLeaves = options.NumberOfLeaves, LearningRate = options.LearningRate,
                MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf, Seed = options.Seed, Silent = true,
            }).Fit(view)
            : ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = options.NumberOfTrees, NumberOfLeaves = options.NumberOfLeaves, LearningRate = options.LearningRate,
                MinimumExampleCountPerLeaf = options.MinimumExampleCountPerLeaf, Seed = options.Seed,
            }).Fit(view);
        return (matrix, which) =>
        {
            var input = which.Select(r => new ChurnModelTrainer.TrainingRow { Label = false, Features = matrix.Row(r).ToArray() }).ToArray();
            return [.. fitted.Transform(ml.Data.LoadFromEnumerable(input, schema)).GetColumn<float>("Score").Select(x => (double)x)];
        };
    }

    /// <summary>Maximum-likelihood logistic regression of the labels on one score (a, b), by Newton's method.</summary>
    private static (double A, double B) PlattByNewton(double[] s, bool[] y)
    {
        double a = 0, b = 0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (var i = 0; i < s.Length; i++)
            {
                var p = 1 / (1 + Math.Exp(-(a * s[i] + b)));
                var r = (y[i] ? 1 : 0) - p;
                var w = p * (1 - p);
                ga += r * s[i]; gb += r;
                haa += w * s[i] * s[i]; hab += w * s[i]; hbb += w;
            }

            var det = haa * hbb - hab * hab;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            a += da; b += db;
            if (Math.Abs(da) + Math.Abs(db) < 1e-13) { break; }
        }

        return (a, b);
    }

    /// <summary>The blend is the FastTree and the logistic model that the trainer fits alone on the same rows, summed with the
    /// weights of the maximum-likelihood logistic regression on their held-out scores: checked by that regression's score
    /// equations Σ (y − p)·sₘ = 0 and Σ (y − p) = 0 on the held-out rows (p the calibrated blend, whose Platt slope on the
    /// stacked score must then be 1), written out here.</summary>
    [Fact]
    public void Fit_Blend_IsTheSingleModelsStackedByMaximumLikelihoodOnHeldOutScores()
    {
        var (train, labels, _) = SyntheticChurn.Generate(3000, 6);
        ChurnModel Fit(ChurnModelType type) => new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, NumberOfTrees = 40 }).Fit(train, labels);
        var tree = Fit(ChurnModelType.FastTree);
        var linear = Fit(ChurnModelType.Logistic);
        var blend = Fit(ChurnModelType.Blend);
        var members = ((BlendScorer)blend.Scorer).Members;
        var (_, held) = ChurnModelTrainer.StratifiedSplit(labels, new ChurnTrainerOptions().CalibrationFraction, new ChurnTrainerOptions().Seed);
        double g0 = 0, g1 = 0, g2 = 0;
        foreach (var r in held)
        {
            var row = train.Row(r);
            members[0].Score(row).Should().Be(tree.Scorer.Score(row));
            members[1].Score(row).Should().Be(linear.Scorer.Score(row));
            var residual = (labels[r] ? 1 : 0) - blend.Calibrator.Apply(blend.Scorer.Score(row));
            g0 += residual;
            g1 += residual * members[0].Score(row);
            g2 += residual * members[1].Score(row);
        }

        blend.Calibrator.A.Should().BeApproximately(1, 1e-6);
        g0.Should().BeApproximately(0, 1e-6);
        g1.Should().BeApproximately(0, 1e-6 * held.Length);
        g2.Should().BeApproximately(0, 1e-6 * held.Length);

        // The block scorer (QuickScorer for the trees) gives the row-by-row values bit for bit.
        var block = new double[train.Rows];
        blend.Scorer.ScoreRows(train.AsSpan(), train.Dimensions, block);
        for (var r = 0; r < train.Rows; r++) { block[r].Should().Be(blend.Scorer.Score(train.Row(r))); }
    }

    /// <summary>Stacking gives the much weaker member (the logistic model, which cannot represent x₂x₃ or |x₄|: AUC 0.819
    /// against FastTree's 0.844 here) a small weight: the blend ranks within 0.002 of the better member out of sample, never
    /// like an equal-weight average of the two (0.839 on these rows).</summary>
    [Fact]
    public void Fit_Blend_RanksAsWellAsTheBetterMemberWhenTheOtherIsMuchWeaker()
    {
        var (train, trainLabels, _) = SyntheticChurn.Generate(6000, 8);
        var (test, testLabels, _) = SyntheticChurn.Generate(20000, 9);
        double Auc(ChurnModelType type)
        {
            var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, NumberOfTrees = 100 }).Fit(train, trainLabels);
            var scores = new double[test.Rows];
            model.PredictProbabilities(test, scores);
            return ChurnMetrics.Evaluate(scores, testLabels).Auc;
        }

        var tree = Auc(ChurnModelType.FastTree);
        var linear = Auc(ChurnModelType.Logistic);
        Auc(ChurnModelType.Blend).Should().BeGreaterThan(Math.Max(tree, linear) - 0.002, $"FastTree {tree}, logistic {linear}");
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

    /// <summary>The batch call (16-row QuickScorer blocks in parallel 4,096-row chunks written straight into the destination,
    /// then the calibration over each chunk) gives, bit for bit, the per-row tree walk followed by the calibration of one score,
    /// on 2 full chunks and a short one (whose last block is short too), with NaN and ±∞ cells.</summary>
    [Theory]
    [InlineData(ChurnModelType.FastTree, ProbabilityCalibration.Platt)]
    [InlineData(ChurnModelType.LightGbm, ProbabilityCalibration.Isotonic)]
    public void PredictProbabilities_SeveralChunks_EqualsTheWalkThenCalibrationRowByRow(ChurnModelType type, ProbabilityCalibration calibration)
    {
        var (train, labels, _) = SyntheticChurn.Generate(2000, 7);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = type, Calibration = calibration, NumberOfTrees = 30 }).Fit(train, labels);
        var (test, _, _) = SyntheticChurn.Generate((2 * 4096) + 37, 8);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (var r = 0; r < test.Rows; r += 97) { test[r, r % test.Dimensions] = specials[r % 3]; }
        var scores = new double[test.Rows];
        model.PredictProbabilities(test, scores);
        for (var r = 0; r < test.Rows; r++)
        {
            var expected = model.Calibrator.Apply(model.Scorer.Score(test.Row(r)));
            BitConverter.DoubleToInt64Bits(scores[r]).Should().Be(BitConverter.DoubleToInt64Bits(expected), $"row {r}");
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
