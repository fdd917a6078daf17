using CohortKit.Similarity.Kernels;

namespace CohortKit.Similarity.Tests.Kernels;

/// <summary>Issue 8 §2: the cosine stays in [−1, 1] and is never NaN for finite input, at every scale a float can hold.
/// References are computed here in double from the definition a·b / (‖a‖‖b‖).</summary>
public class CosineRangeKernelTests
{
    private static double Reference(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }

    [Fact]
    public void IdenticalVectors_NeverExceedOne()
    {
        var rng = new Random(1);
        for (var trial = 0; trial < 5_000; trial++)
        {
            var v = Enumerable.Range(0, 1 + trial % 256).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var c = SimilarityKernels.Cosine(v, v);
            c.Should().BeLessThanOrEqualTo(1f).And.BeGreaterThan(0.9999f);
            SimilarityKernels.Cosine(v, v.Select(x => -x).ToArray()).Should().BeGreaterThanOrEqualTo(-1f);
        }
    }

    [Theory]
    [InlineData(1e20)]
    [InlineData(1e30)]
    [InlineData(1e-23)]
    [InlineData(1e-40)] // subnormal
    public void ExtremeScales_GiveTheCosineOfTheDirections(double scale)
    {
        var rng = new Random(2);
        foreach (var n in new[] { 3, 16, 64, 77 })
        {
            var a = Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
            var c = SimilarityKernels.Cosine(a, b);
            float.IsNaN(c).Should().BeFalse();
            c.Should().BeApproximately((float)Reference(a, b), scale < 1e-38 ? 1e-3f : 1e-5f);
        }
    }

    [Fact]
    public void ScoreMany_Cosine_IsTheTrueCosineOfUnnormalisedRows()
    {
        var rng = new Random(3);
        const int dims = 37;
        var rows = Enumerable.Range(0, 200 * dims).Select(i => (float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, i / dims % 7 - 3))).ToArray();
        var q = Enumerable.Range(0, dims).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var scores = new float[200];
        SimilarityKernels.ScoreMany(q, rows, dims, scores, SimilarityMetric.Cosine);
        for (var r = 0; r < 200; r++) { scores[r].Should().BeApproximately((float)Reference(q, rows[(r * dims)..((r + 1) * dims)]), 1e-5f); }
    }
}
