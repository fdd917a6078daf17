using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Kernels;

public class AllPairsKernelTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(30, 64)]
    [InlineData(130, 17)]
    public void AllPairs_MatchesPairwiseScores(int n, int dims)
    {
        var rng = new Random(n + dims);
        var m = Enumerable.Range(0, n * dims).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        foreach (var metric in new[] { SimilarityMetric.Cosine, SimilarityMetric.Dot, SimilarityMetric.Euclidean })
        {
            var all = new float[n * n];
            SimilarityKernels.AllPairs(m, dims, all, metric);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    all[i * n + j].Should().BeApproximately(SimilarityKernels.Score(m.AsSpan(i * dims, dims), m.AsSpan(j * dims, dims), metric), 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void AllPairs_BadShapes_Throw()
    {
        ((Action)(() => SimilarityKernels.AllPairs(new float[7], 2, new float[16]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("matrix");
        ((Action)(() => SimilarityKernels.AllPairs(new float[8], 2, new float[15]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("destination");
    }
}
