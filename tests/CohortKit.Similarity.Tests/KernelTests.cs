using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests;

/// <summary>Kernels for every length 0..256 against scalar references (CI runs these on the scalar and 256-bit paths too).</summary>
public class SimilarityKernelTests
{
    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        for (var n = 0; n <= 256; n++) { d.Add(n); }
        d.Add(1031);
        return d;
    }

    private static float[] Vector(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PairKernels_MatchScalar(int n)
    {
        var a = Vector(n, n);
        var b = Vector(n, n + 7);
        double dot = 0, na = 0, nb = 0, dist = 0;
        for (var i = 0; i < n; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; dist += (a[i] - b[i]) * (a[i] - b[i]); }
        var tol = 1e-5 * Math.Max(1, n);
        SimilarityKernels.Dot(a, b).Should().BeApproximately((float)dot, (float)tol);
        SimilarityKernels.Euclidean(a, b).Should().BeApproximately((float)Math.Sqrt(dist), (float)tol);
        SimilarityKernels.Cosine(a, b).Should().BeApproximately(n == 0 ? 0 : (float)(dot / Math.Sqrt(na * nb)), 1e-5f);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScoreMany_MatchesScalarRows(int dims)
    {
        if (dims == 0) { return; }
        var rows = 37;
        var m = Vector(rows * dims, dims);
        var q = Vector(dims, dims + 1);
        var dots = new float[rows];
        var dists = new float[rows];
        SimilarityKernels.ScoreMany(q, m, dims, dots);
        SimilarityKernels.ScoreMany(q, m, dims, dists, SimilarityMetric.Euclidean);
        for (var r = 0; r < rows; r++)
        {
            double dot = 0, dist = 0;
            for (var j = 0; j < dims; j++) { dot += m[r * dims + j] * q[j]; dist += Math.Pow(m[r * dims + j] - q[j], 2); }
            dots[r].Should().BeApproximately((float)dot, (float)(1e-5 * dims));
            dists[r].Should().BeApproximately((float)Math.Sqrt(dist), (float)(1e-5 * dims));
        }
    }

    [Fact]
    public void Cosine_ZeroVector_IsZeroNotNaN()
    {
        SimilarityKernels.Cosine(new float[64], Vector(64, 1)).Should().Be(0);
        SimilarityKernels.Cosine(new float[64], new float[64]).Should().Be(0);
    }

    [Fact]
    public void Jaccard_MatchesTheDefinition()
    {
        SimilarityKernels.Jaccard([1, 3, 5, 7], [3, 4, 5]).Should().BeApproximately(2.0 / 5, 1e-15);
        SimilarityKernels.Jaccard([], []).Should().Be(0);
        SimilarityKernels.Jaccard([2], [2]).Should().Be(1);
        ((Action)(() => SimilarityKernels.Jaccard([3, 1], [1]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("a");
    }

    [Fact]
    public void DimensionMismatch_Throws()
    {
        ((Action)(() => SimilarityKernels.Cosine(new float[3], new float[4]))).Should().Throw<ArgumentException>().WithMessage("*3 and 4 dimensions*");
        ((Action)(() => SimilarityKernels.ScoreMany(new float[3], new float[8], 4, new float[2]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("query");
    }
}

public class ExactSearchTests
{
    private static FeatureMatrix Random(int rows, int dims, int seed)
    {
        var rng = new Random(seed);
        var m = new FeatureMatrix(rows, dims);
        var s = m.AsSpan();
        for (var i = 0; i < s.Length; i++) { s[i] = (float)(rng.NextDouble() * 2 - 1); }
        return m;
    }

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

public class AllPairsTests
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

public class ExactSearchIndexTests
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
