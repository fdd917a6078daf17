using BenchmarkDotNet.Attributes;
using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Benchmarks.Churn;

/// <summary>What a calibration ensemble (<see cref="ChurnTrainerOptions.CalibrationEnsemble"/>, 5 fold models folded into one
/// ensemble of 1,000 trees) costs to score against the default model of 200 trees, on the same 1,000,003 rows × 30 features
/// as <see cref="ChurnScoringBenchmarks"/>, both through <see cref="ChurnModel.PredictProbabilities"/>.</summary>
[MemoryDiagnoser]
public class ChurnEnsembleScoringBenchmarks
{
    private const int Dimensions = ChurnBenchmarkData.Dimensions;
    private FeatureMatrix _features = null!;
    private ChurnModel _single = null!;
    private ChurnModel _ensemble = null!;
    private double[] _scores = [];

    [Params(1_000_003)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int TrainRows = 20_000;
        (_features, var labels) = ChurnBenchmarkData.Generate(Rows, TrainRows);
        var train = ChurnBenchmarkData.Head(_features, TrainRows);

        _single = new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 200, NumberOfLeaves = 20 }).Fit(train, labels);
        _ensemble = new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 200, NumberOfLeaves = 20, CalibrationFolds = 5, CalibrationEnsemble = true }).Fit(train, labels);
        _scores = new double[Rows];
        _single.PredictProbabilities(_features, _scores); // touch the buffers before timing
    }

    [Benchmark(Baseline = true)]
    public double SingleModel()
    {
        _single.PredictProbabilities(_features, _scores);
        return _scores[^1];
    }

    [Benchmark]
    public double CalibrationEnsembleOfFive()
    {
        _ensemble.PredictProbabilities(_features, _scores);
        return _scores[^1];
    }
}
