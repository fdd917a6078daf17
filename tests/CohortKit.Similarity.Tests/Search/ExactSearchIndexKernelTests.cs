using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

public class ExactSearchIndexKernelTests
{
    [Theory]
    [InlineData(SimilarityMetric.Cosine, 64)]
    [InlineData(SimilarityMetric.Dot, 64)]
    [InlineData(SimilarityMetric.Cosine, 37)]
    public void TopK_EqualsTheFullFloatScan(SimilarityMetric metric, int dims)
    {
        var rng = new Random(dims);
        var m = new FeatureMatrix(30_011, dims);
        var s = m.AsSpan();
        for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        var index = new ExactSearchIndex(m, metric);
        var reference = new FeatureMatrix(m.AsSpan().ToArray(), m.Rows, dims); // cosine search needs no normalised rows
        for (var trial = 0; trial < 20; trial++)
        {
            var q = Enumerable.Range(0, dims).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            Func<int, bool>? filter = trial % 3 == 0 ? r => r % 5 != 0 : null;
            index.TopK(q, 10, filter).Should().Equal(ExactSearch.TopK(reference, q, 10, metric, filter));
        }

        index.Fallbacks.Should().Be(0, "random data leaves a wide margin between the 10th and the 128th score");
    }

    [Fact]
    public void TopK_FallsBackWhenItCannotProveTheAnswer_AndStaysExact()
    {
        // Every row identical: the certificate cannot separate candidates from the rest, so the full scan answers.
        var m = new FeatureMatrix(1000, 8);
        for (var r = 0; r < 1000; r++) { for (var j = 0; j < 8; j++) { m[r, j] = 1 + j; } }
        var index = new ExactSearchIndex(m, SimilarityMetric.Cosine, candidates: 16);
        var hits = index.TopK(m.Row(0).ToArray(), 5);
        hits.Select(h => h.Row).Should().Equal(0, 1, 2, 3, 4);
        index.Fallbacks.Should().Be(1);
    }

    [Fact]
    public void BFloat16_RoundsToNearestEven_WithinTheStatedBound()
    {
        var rng = new Random(1);
        for (var i = 0; i < 10_000; i++)
        {
            var x = (float)(rng.NextDouble() * 200 - 100);
            var back = BitConverter.UInt32BitsToSingle((uint)ExactSearchIndex.ToBFloat16(x) << 16);
            Math.Abs(back - x).Should().BeLessThanOrEqualTo(Math.Abs(x) / 256);
        }

        ((Func<ExactSearchIndex>)(() => new ExactSearchIndex(new FeatureMatrix(2, 2), SimilarityMetric.Euclidean))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("metric");
    }
}
