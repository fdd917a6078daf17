using CohortKit.Features;
using CohortKit.Similarity.Kernels;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 8 §2–3: the exactness proof holds at subnormal magnitudes, and frequent fallbacks switch the first pass off.</summary>
public class ExactSearchIndexFallbackKernelTests
{
    [Fact]
    public void SubnormalRows_AreAnsweredExactly()
    {
        // 2⁻¹⁴⁰ and 1.5·2⁻¹⁴⁰ are float32 subnormals that both round to bfloat16 zero: the first pass cannot tell them apart.
        var small = MathF.Pow(2, -140);
        var m = new FeatureMatrix([small, 1.5f * small], 2, 1);
        var index = new ExactSearchIndex(m, SimilarityMetric.Dot, candidates: 1);
        var best = index.TopK([1f], 1);
        best[0].Row.Should().Be(1, "1.5·2⁻¹⁴⁰ > 2⁻¹⁴⁰");
        best[0].Score.Should().Be(1.5f * small);
    }

    [Fact]
    public void TightlyClusteredRows_SkipTheFirstPass_AndStayExact()
    {
        // Rows within 1e-4 of one direction: the bfloat16 pass cannot separate the 128 candidates from the rest.
        var rng = new Random(6);
        var m = new FeatureMatrix(20_000, 32);
        for (var r = 0; r < m.Rows; r++) { for (var j = 0; j < 32; j++) { m[r, j] = 1 + (float)(1e-4 * (rng.NextDouble() - 0.5)); } }
        var index = new ExactSearchIndex(m);
        var reference = new FeatureMatrix(m.AsSpan().ToArray(), m.Rows, 32);
        for (var trial = 0; trial < 200; trial++)
        {
            var q = m.Row(rng.Next(m.Rows)).ToArray();
            index.TopK(q, 10).Select(h => h.Row).Should().Equal(ExactSearch.TopK(reference, q, 10).Select(h => h.Row));
        }

        index.DirectScans.Should().BeGreaterThan(150, "after the first failing window the first pass is skipped");
        index.Fallbacks.Should().BeLessThan(40);
    }
}
