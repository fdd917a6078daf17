using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 16: the three indexes answer through one interface and one result type, and each returns what a
/// brute-force scan in double (written out here) returns — after building, after adds, replacements and removals, with a
/// filter, and after a save and load. The IVF index scans every list (Probes = Lists), so it is exact too.</summary>
public class SimilarityIndexContractKernelTests
{
    private const int Rows = 2_000;
    private const int Dims = 19; // not a multiple of any vector width
    private const int K = 10;

    public static TheoryData<string, SimilarityMetric> Cases() => new()
    {
        { "flat", SimilarityMetric.Cosine }, { "flat", SimilarityMetric.Dot }, { "flat", SimilarityMetric.Euclidean },
        { "exact", SimilarityMetric.Cosine }, { "exact", SimilarityMetric.Dot },
        { "ivf", SimilarityMetric.Cosine }, { "ivf", SimilarityMetric.Dot }, { "ivf", SimilarityMetric.Euclidean },
    };

    private static ISimilarityIndex Build(string kind, FeatureMatrix vectors, LearnerId[] ids, SimilarityMetric metric) => kind switch
    {
        "flat" => FlatIndex.Build(vectors, ids, new FlatIndexOptions { Metric = metric, MaxDegreeOfParallelism = 2 }),
        "exact" => new ExactSearchIndex(vectors, ids, metric, candidates: 32, maxDegreeOfParallelism: 2),
        _ => IvfIndex.Build(vectors, ids, metric, new IvfIndexOptions { Lists = 16, Probes = 16, MaxDegreeOfParallelism = 2 }),
    };

    private static ISimilarityIndex Load(string kind, Stream stream) => kind switch
    {
        "flat" => FlatIndex.Load(stream),
        "exact" => ExactSearchIndex.Load(stream),
        _ => IvfIndex.Load(stream),
    };

    /// <summary>The k best of the current learners by the metric, computed in double: cosine = a·b / (‖a‖‖b‖), dot = a·b,
    /// Euclidean = √Σ(a − b)² (lower is better).</summary>
    private static List<(LearnerId Id, double Score)> BruteForce(Dictionary<LearnerId, float[]> learners, float[] query, SimilarityMetric metric, Func<LearnerId, bool>? filter)
    {
        static double Dot(float[] a, float[] b) { double s = 0; for (var j = 0; j < a.Length; j++) { s += (double)a[j] * b[j]; } return s; }
        double Score(float[] x) => metric switch
        {
            SimilarityMetric.Cosine => Dot(query, x) / Math.Sqrt(Dot(query, query) * Dot(x, x)),
            SimilarityMetric.Dot => Dot(query, x),
            _ => Math.Sqrt(x.Select((v, j) => ((double)v - query[j]) * ((double)v - query[j])).Sum()),
        };
        var scored = learners.Where(l => filter is null || filter(l.Key)).Select(l => (l.Key, Score: Score(l.Value)));
        return (metric == SimilarityMetric.Euclidean ? scored.OrderBy(s => s.Score) : scored.OrderByDescending(s => s.Score)).Take(K).ToList();
    }

    private static void ShouldMatchBruteForce(ISimilarityIndex index, Dictionary<LearnerId, float[]> learners, SimilarityMetric metric, Random rng, Func<LearnerId, bool>? filter = null)
    {
        index.Count.Should().Be(learners.Count);
        for (var q = 0; q < 5; q++)
        {
            var query = Enumerable.Range(0, Dims).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            IReadOnlyList<Neighbor> hits = index.Search(query, K, filter);
            var expected = BruteForce(learners, query, metric, filter);
            hits.Select(h => h.Id).Should().Equal(expected.Select(e => e.Id), "the same learners in the same order");
            for (var i = 0; i < K; i++)
            {
                hits[i].Score.Should().BeApproximately((float)expected[i].Score, 1e-4f * (float)Math.Max(1, Math.Abs(expected[i].Score)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Search_EqualsBruteForce_AfterBuildUpdatesFilterAndReload(string kind, SimilarityMetric metric)
    {
        var vectors = UniformFeatures.Create(Rows, Dims, seed: 11);
        var ids = Enumerable.Range(0, Rows).Select(r => new LearnerId(1_000 + 7L * r)).ToArray();
        var learners = ids.Select((id, r) => (id, vectors.Row(r).ToArray())).ToDictionary(t => t.id, t => t.Item2);
        var index = Build(kind, vectors, ids, metric);
        index.Dimensions.Should().Be(Dims);
        index.Metric.Should().Be(metric);
        var rng = new Random(5);
        ShouldMatchBruteForce(index, learners, metric, rng);

        // Remove 300 learners, replace the vectors of 50, add 100 newcomers.
        foreach (var id in ids.Where((_, r) => r % 6 == 1).Take(300))
        {
            index.Remove(id).Should().BeTrue();
            learners.Remove(id);
        }

        index.Remove(new LearnerId(-1)).Should().BeFalse();
        var update = UniformFeatures.Create(150, Dims, seed: 12);
        for (var i = 0; i < 150; i++)
        {
            var id = i < 50 ? ids[6 * i] : new LearnerId(-10 - i);
            var v = update.Row(i).ToArray();
            index.Add(id, v);
            learners[id] = v;
        }

        ShouldMatchBruteForce(index, learners, metric, rng);
        ShouldMatchBruteForce(index, learners, metric, rng, id => id.Value % 2 == 0);

        using var stream = new MemoryStream();
        index.Save(stream);
        stream.Position = 0;
        var loaded = Load(kind, stream);
        loaded.GetType().Should().Be(index.GetType());
        ShouldMatchBruteForce(loaded, learners, metric, new Random(6));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Search_KOutOfRange_OrWrongQueryLength_Throws(string kind, SimilarityMetric metric)
    {
        var vectors = UniformFeatures.Create(50, Dims, seed: 13);
        var index = Build(kind, vectors, Enumerable.Range(0, 50).Select(r => new LearnerId(r)).ToArray(), metric);
        var query = new float[Dims];
        query[0] = 1;
        ((Action)(() => index.Search(query, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => index.Search(query, 51))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => index.Search(new float[Dims + 1], 1))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("query");
        ((Action)(() => index.Add(new LearnerId(99), new float[Dims - 1]))).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("vector");
    }

    [Theory]
    [InlineData("flat")]
    [InlineData("exact")]
    public void Load_AnotherIndexesFile_ThrowsInvalidData(string kind)
    {
        using var stream = new MemoryStream();
        Build("ivf", UniformFeatures.Create(20, Dims, seed: 14), Enumerable.Range(0, 20).Select(r => new LearnerId(r)).ToArray(), SimilarityMetric.Cosine).Save(stream);
        stream.Position = 0;
        ((Action)(() => Load(kind, stream))).Should().Throw<InvalidDataException>().WithMessage("Not a CohortKit *index.");
    }
}
