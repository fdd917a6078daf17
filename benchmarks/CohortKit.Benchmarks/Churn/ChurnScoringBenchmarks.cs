using BenchmarkDotNet.Attributes;
using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Benchmarks.Churn;

/// <summary>Batch scoring of 1,000,003 learners × 30 features with a calibrated FastTree model (200 trees, 20 leaves):
/// <see cref="ChurnModel.PredictProbabilities"/> (parallel chunks) against the same scorer in one sequential loop.</summary>
[MemoryDiagnoser]
public class ChurnScoringBenchmarks
{
    private const int Dimensions = 30;
    private FeatureMatrix _features = null!;
    private ChurnModel _model = null!;
    private double[] _scores = [];

    [Params(1_000_003)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _features = new FeatureMatrix(Rows, Dimensions);
        var data = _features.AsSpan();
        for (var i = 0; i < data.Length; i++) { data[i] = (float)random.NextDouble(); }
        const int TrainRows = 20_000;
        var train = new FeatureMatrix(TrainRows, Dimensions);
        var labels = new bool[TrainRows];
        for (var r = 0; r < TrainRows; r++)
        {
            _features.Row(r).CopyTo(train.Row(r));
            var x = train.Row(r);
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-(3 * x[0] - 2 * x[1] + x[2] * x[3] - 1.5)));
        }

        _model = new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 200, NumberOfLeaves = 20 }).Fit(train, labels);
        _scores = new double[Rows];
        _model.PredictProbabilities(_features, _scores); // touch the buffers before timing
    }

    [Benchmark(Baseline = true)]
    public double SequentialLoop()
    {
        var data = _features.AsSpan();
        for (var r = 0; r < Rows; r++)
        {
            _scores[r] = _model.Calibrator.Apply(_model.Scorer.Score(data.Slice(r * Dimensions, Dimensions)));
        }

        return _scores[^1];
    }

    [Benchmark]
    public double PredictProbabilities()
    {
        _model.PredictProbabilities(_features, _scores);
        return _scores[^1];
    }
}
