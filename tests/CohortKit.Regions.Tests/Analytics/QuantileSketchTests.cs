using CohortKit.Regions.Analytics;

namespace CohortKit.Regions.Tests.Analytics;

/// <summary>The DDSketch's stated bound: |x̃ − x_q| ≤ α·x_q against exact order statistics, and merge equals whole exactly.</summary>
public sealed class QuantileSketchTests
{
    private static double[] LogNormal(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => Math.Exp(2 + (1.5 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))))];
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void Quantile_EveryPercentile_IsWithinAlphaOfTheExactOrderStatistic(double alpha)
    {
        var x = LogNormal(20_001, 7);
        var sketch = new QuantileSketch(alpha);
        foreach (var v in x) { sketch.Add(v); }
        var sorted = x.Order().ToArray();
        for (var p = 0; p <= 100; p++)
        {
            var q = p / 100.0;
            var exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            Math.Abs(sketch.Quantile(q) - exact).Should().BeLessThanOrEqualTo(alpha * exact * (1 + 1e-12), $"q = {q}");
        }
    }

    [Fact]
    public void Merge_OfParts_GivesTheSameQuantilesAsTheWhole()
    {
        var x = LogNormal(9_999, 3);
        var whole = new QuantileSketch();
        var parts = Enumerable.Range(0, 3).Select(_ => new QuantileSketch()).ToArray();
        for (var i = 0; i < x.Length; i++) { whole.Add(x[i]); parts[i % 3].Add(x[i]); }
        var merged = parts[0].Clone();
        merged.Merge(parts[1]);
        merged.Merge(parts[2]);
        merged.Count.Should().Be(whole.Count);
        for (var q = 0.0; q <= 1; q += 0.05) { merged.Quantile(q).Should().Be(whole.Quantile(q)); }
    }

    [Fact]
    public void Zeros_AreCountedAndReportedAsZero()
    {
        var s = new QuantileSketch();
        foreach (var v in new[] { 0.0, 0, 0, 10, 20 }) { s.Add(v); }
        s.Quantile(0.5).Should().Be(0);
        s.Quantile(0.75).Should().BeApproximately(10, 0.1);
    }

    [Fact]
    public void BadInput_IsRefusedNamingTheParameter()
    {
        var s = new QuantileSketch();
        ((Action)(() => s.Add(-1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
        ((Action)(() => s.Quantile(0.5))).Should().Throw<InvalidOperationException>();
        s.Add(1);
        ((Action)(() => s.Quantile(1.5))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("q");
        ((Action)(() => _ = new QuantileSketch(0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("relativeAccuracy");
        ((Action)(() => s.Merge(new QuantileSketch(0.02)))).Should().Throw<ArgumentException>().WithParameterName("other");
    }
}
