using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using CohortKit.Churn.Models;
using CohortKit.Features;

namespace CohortKit.Benchmarks.Churn;

/// <summary>Training on 1,000,003 learners × 30 features (issue 11: under 60 s): the default FastTree (200 trees, 20 leaves, with
/// Platt calibration on a held-out 20 %) against the logistic baseline on the same rows. One cold run each (a run takes tens of
/// seconds; the feature buffers are built and touched in the setup).</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
[MemoryDiagnoser]
public class ChurnTrainingBenchmarks
{
    private FeatureMatrix _features = null!;
    private bool[] _labels = [];

    [Params(1_000_003)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_features, _labels) = ChurnBenchmarkData.Generate(Rows, Rows);
    }

    [Benchmark(Baseline = true)]
    public ChurnModel Logistic() => new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }).Fit(_features, _labels);

    [Benchmark]
    public ChurnModel FastTree() => new ChurnModelTrainer(new ChurnTrainerOptions { NumberOfTrees = 200, NumberOfLeaves = 20 }).Fit(_features, _labels);
}
