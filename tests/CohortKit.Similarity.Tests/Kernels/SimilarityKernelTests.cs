using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Kernels;

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
