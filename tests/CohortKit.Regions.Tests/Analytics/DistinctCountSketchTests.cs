using CohortKit.Regions.Analytics;

namespace CohortKit.Regions.Tests.Analytics;

/// <summary>HyperLogLog against known distinct counts: within 3 stated standard errors (1.04/√4096 = 1.625 %), and a merge
/// of overlapping sets counts the overlap once (registers identical to the sketch of the union).</summary>
public sealed class DistinctCountSketchTests
{
    [Theory]
    [InlineData(1_000)]
    [InlineData(10_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void Estimate_IsWithinThreeStandardErrorsOfTheTrueCount(int n)
    {
        var s = new DistinctCountSketch();
        for (var i = 0; i < n; i++) { s.Add($"learner-{i}"); s.Add($"learner-{i}"); }
        s.RelativeStandardError.Should().BeApproximately(0.01625, 1e-12);
        Math.Abs(s.Estimate() - n).Should().BeLessThanOrEqualTo(3 * s.RelativeStandardError * n);
    }

    [Fact]
    public void Merge_OverlappingRegions_CountsTheOverlapOnce()
    {
        var a = new DistinctCountSketch();
        var b = new DistinctCountSketch();
        var whole = new DistinctCountSketch();
        for (var i = 0; i < 60_000; i++) { a.Add($"id{i}"); whole.Add($"id{i}"); }
        for (var i = 40_000; i < 100_000; i++) { b.Add($"id{i}"); whole.Add($"id{i}"); }
        a.Merge(b);
        a.HasSameRegisters(whole).Should().BeTrue();
        Math.Abs(a.Estimate() - 100_000).Should().BeLessThanOrEqualTo(3 * a.RelativeStandardError * 100_000);
    }

    [Fact]
    public void Empty_IsZero_AndBadPrecisionIsRefused()
    {
        new DistinctCountSketch().Estimate().Should().Be(0);
        ((Action)(() => _ = new DistinctCountSketch(3))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("precision");
        ((Action)(() => new DistinctCountSketch().Merge(new DistinctCountSketch(10)))).Should().Throw<ArgumentException>().WithParameterName("other");
    }
}
