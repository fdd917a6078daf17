using BenchmarkDotNet.Attributes;
using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Benchmarks.Churn;

/// <summary>Batch scoring of 1,000,003 learners × 30 features with a calibrated FastTree model (200 trees, 20 leaves): the per-row
/// tree walk (the scorer before the flat layout) sequentially and in parallel chunks, against
/// the blocked tree-by-tree walk through flat arrays, QuickScorer row by row, QuickScorer 8 rows at once with AVX2 (decision #66)
/// and 16 rows at once (decision #69, the default; raw scores, one thread each), and the calibrated probabilities on one thread
/// (the default kernel, then Platt) and through <see cref="ChurnModel.PredictProbabilities"/> (the same in parallel chunks, on
/// every core) beside the same call as it was with the 8-row kernel (a buffer copied to the destination at the end).</summary>
[MemoryDiagnoser]
public class ChurnScoringBenchmarks
{
    private const int Dimensions = ChurnBenchmarkData.Dimensions;
    private const int RowsPerChunk = 4096;
    private FeatureMatrix _features = null!;
    private ChurnModel _model = null!;
    private double[] _scores = [];

    [Params(1_000_003)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int TrainRows = 20_000;
        (_features, var labels) = ChurnBenchmarkData.Generate(Rows, TrainRows);
        var train = ChurnBenchmarkData.Head(_features, TrainRows);

        _model = new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 200, NumberOfLeaves = 20 }).Fit(train, labels);
        _scores = new double[Rows];
        _model.PredictProbabilities(_features, _scores); // touch the buffers before timing
    }

    [Benchmark(Baseline = true)]
    public double PerRowWalkSequential()
    {
        var data = _features.AsSpan();
        for (var r = 0; r < Rows; r++)
        {
            _scores[r] = _model.Calibrator.Apply(_model.Scorer.Score(data.Slice(r * Dimensions, Dimensions)));
        }

        return _scores[^1];
    }

    [Benchmark]
    public double PerRowWalkParallel()
    {
        Parallel.For(0, (Rows + RowsPerChunk - 1) / RowsPerChunk, chunk =>
        {
            var data = _features.AsSpan();
            var end = Math.Min(Rows, (chunk + 1) * RowsPerChunk);
            for (var r = chunk * RowsPerChunk; r < end; r++)
            {
                _scores[r] = _model.Calibrator.Apply(_model.Scorer.Score(data.Slice(r * Dimensions, Dimensions)));
            }
        });
        return _scores[^1];
    }

    [Benchmark]
    public double FlatBlocksSequential()
    {
        ((TreeEnsembleScorer)_model.Scorer).ScoreRowsByWalk(_features.AsSpan(), Dimensions, _scores);
        return _scores[^1];
    }

    [Benchmark]
    public double QuickScorerSequential()
    {
        ((TreeEnsembleScorer)_model.Scorer).ScoreRowsByScalarQuickScorer(_features.AsSpan(), Dimensions, _scores);
        return _scores[^1];
    }

    [Benchmark]
    public double EightRowVectorQuickScorerSequential()
    {
        ((TreeEnsembleScorer)_model.Scorer).ScoreRowsByEightRowBlocks(_features.AsSpan(), Dimensions, _scores);
        return _scores[^1];
    }

    [Benchmark]
    public double VectorQuickScorerSequential()
    {
        _model.Scorer.ScoreRows(_features.AsSpan(), Dimensions, _scores);
        return _scores[^1];
    }

    [Benchmark]
    public double ProbabilitiesOneThread()
    {
        _model.Scorer.ScoreRows(_features.AsSpan(), Dimensions, _scores);
        for (var r = 0; r < Rows; r++) { _scores[r] = _model.Calibrator.Apply(_scores[r]); }
        return _scores[^1];
    }

    /// <summary><see cref="ChurnModel.PredictProbabilities"/> as it was with the 8-row kernel (decision #66): parallel chunks
    /// into a fresh buffer, copied to the destination.</summary>
    [Benchmark]
    public double PredictProbabilitiesEightRowBlocks()
    {
        var scorer = (TreeEnsembleScorer)_model.Scorer;
        var output = new double[Rows];
        Parallel.For(0, (Rows + RowsPerChunk - 1) / RowsPerChunk, chunk =>
        {
            var start = chunk * RowsPerChunk;
            var count = Math.Min(Rows, start + RowsPerChunk) - start;
            var scores = output.AsSpan(start, count);
            scorer.ScoreRowsByEightRowBlocks(_features.AsSpan().Slice(start * Dimensions, count * Dimensions), Dimensions, scores);
            for (var r = 0; r < count; r++) { scores[r] = _model.Calibrator.Apply(scores[r]); }
        });
        output.CopyTo(_scores, 0);
        return _scores[^1];
    }

    [Benchmark]
    public double PredictProbabilities()
    {
        _model.PredictProbabilities(_features, _scores);
        return _scores[^1];
    }
}
