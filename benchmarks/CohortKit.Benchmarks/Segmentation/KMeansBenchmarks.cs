using BenchmarkDotNet.Attributes;
using CohortKit.Features;
using CohortKit.Segmentation.Discovery;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace CohortKit.Benchmarks.Segmentation;

/// <summary>k-means on 1,000,003 × 32 floats (12 Gaussian clusters plus noise), k = 12: ML.NET's KMeansTrainer (k-means++
/// initialisation, the same tolerance and iteration cap) against SegmentDiscovery's SIMD Lloyd k-means, in the same run. The
/// inertia of each fit is printed at the end so that the two are compared at equal quality.</summary>
[MemoryDiagnoser]
public class KMeansBenchmarks
{
    private const int D = 32;
    private const int K = 12;
    private FeatureMatrix _features = null!;
    private MLContext _ml = null!;
    private IDataView _view = null!;
    private readonly Dictionary<string, double> _inertia = [];

    [Params(1_000_003)]
    public int N { get; set; }

    private sealed class Row
    {
        [VectorType(D)]
        public float[] Features { get; set; } = [];
    }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var centres = new float[K * D];
        for (var j = 0; j < centres.Length; j++) { centres[j] = (float)(6 * rng.NextDouble() - 3); }
        var data = new float[N * D];
        for (var i = 0; i < N; i++)
        {
            var c = rng.Next(K);
            for (var j = 0; j < D; j++) { data[i * D + j] = centres[c * D + j] + (float)(rng.NextDouble() + rng.NextDouble() - 1); }
        }

        _features = new FeatureMatrix(data, N, D);
        _ml = new MLContext(seed: 42);
        var rows = new Row[N];
        for (var i = 0; i < N; i++) { rows[i] = new Row { Features = data.AsSpan(i * D, D).ToArray() }; }
        _view = _ml.Data.Cache(_ml.Data.LoadFromEnumerable(rows));
    }

    [Benchmark(Baseline = true)]
    public double MlNetKMeans()
    {
        var trainer = _ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            NumberOfClusters = K,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
            OptimizationTolerance = 1e-4f,
            MaximumNumberOfIterations = 100,
            FeatureColumnName = nameof(Row.Features),
        });
        var model = trainer.Fit(_view);
        VBuffer<float>[] centroids = [];
        model.Model.GetClusterCentroids(ref centroids, out _);
        var flat = centroids.SelectMany(c => c.DenseValues()).ToArray();
        return _inertia["ML.NET"] = Inertia(flat);
    }

    [Benchmark]
    public double SegmentDiscoveryKMeans()
    {
        var result = new SegmentDiscovery(new DiscoveryOptions { K = K, Standardize = false, Seed = 42 }).Discover(_features);
        return _inertia["SegmentDiscovery"] = Inertia([.. result.Clusters.SelectMany(c => c.Centroid.ToArray())]);
    }

    [GlobalCleanup]
    public void Report()
    {
        foreach (var (name, inertia) in _inertia) { Console.WriteLine($"// inertia {name}: {inertia:R}"); }
    }

    /// <summary>Σ min_c ‖x − c‖² over all rows, computed in double the same way for both fits.</summary>
    private double Inertia(float[] centroids)
    {
        double total = 0;
        var x = _features.AsSpan();
        for (var i = 0; i < N; i++)
        {
            var best = double.PositiveInfinity;
            for (var c = 0; c < K; c++)
            {
                double s = 0;
                for (var j = 0; j < D; j++) { var v = (double)x[i * D + j] - centroids[c * D + j]; s += v * v; }
                best = Math.Min(best, s);
            }

            total += best;
        }

        return total;
    }
}
