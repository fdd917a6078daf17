using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

public class ExactSearchKernelTests
{
    private static FeatureMatrix Random(int rows, int dims, int seed) => UniformFeatures.Create(rows, dims, seed);

    [Theory]
    [InlineData(SimilarityMetric.Cosine, 1)]
    [InlineData(SimilarityMetric.Cosine, 2)]
    [InlineData(SimilarityMetric.Dot, 2)]
    [InlineData(SimilarityMetric.Euclidean, 2)]
    public void TopK_EqualsABruteForceSort(SimilarityMetric metric, int threads)
    {
        var m = Random(20_011, 64, 3);
        if (metric == SimilarityMetric.Cosine) { m.NormalizeRows(); }
        var rng = new Random(4);
        for (var trial = 0; trial < 5; trial++)
        {
            var q = Enumerable.Range(0, 64).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var hits = ExactSearch.TopK(m, q, 10, metric, maxDegreeOfParallelism: threads);
            var brute = Enumerable.Range(0, m.Rows)
                .Select(r => (Row: r, Score: SimilarityKernels.Score(q, m.Row(r), metric)))
                .OrderBy(x => metric == SimilarityMetric.Euclidean ? x.Score : -x.Score).ThenBy(x => x.Row).Take(10).ToArray();
            hits.Select(h => h.Row).Should().Equal(brute.Select(b => b.Row));
            for (var i = 0; i < 10; i++) { hits[i].Score.Should().BeApproximately(brute[i].Score, 1e-4f); }
        }
    }

    [Fact]
    public void TopK_WithFilter_ReturnsOnlyAllowedRows()
    {
        var m = Random(5000, 16, 5);
        m.NormalizeRows();
        var hits = ExactSearch.TopK(m, m.Row(10), 5, filter: r => r % 2 == 1);
        hits.Should().OnlyContain(h => h.Row % 2 == 1);
        ExactSearch.TopK(m, m.Row(10), 1)[0].Row.Should().Be(10);
    }

    [Fact]
    public void TopK_BadArguments_Throw()
    {
        var m = Random(10, 4, 6);
        ((Action)(() => ExactSearch.TopK(m, new float[4], 0))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("k");
        ((Action)(() => ExactSearch.TopK(m, new float[4], 11))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("k");
        ((Action)(() => ExactSearch.TopK(m, new float[5], 3))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("query");
        ((Action)(() => ExactSearch.TopK(m, [1, float.NaN, 0, 0], 3))).Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }
}
