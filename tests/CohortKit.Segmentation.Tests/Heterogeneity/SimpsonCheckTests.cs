namespace CohortKit.Segmentation.Tests.Heterogeneity;

public sealed class SimpsonCheckTests
{
    /// <summary>Within both segments the treatment lowers y by 1; segment a (baseline 10) is 90 % control and segment b
    /// (baseline 20) 90 % treatment, so the overall difference is about 0.9·19 + 0.1·9 − (0.9·10 + 0.1·20) = +7.</summary>
    [Fact]
    public void Analyze_ConstructedParadox_FlagsItAndNamesTheSegments()
    {
        var data = Simulated.Data(3, [2000, 2000], [10, 20], [-1, -1], sd: 1, treatedShares: [0.1, 0.9]);
        var report = new SegmentAnalyzer(new SegmentationOptions()).Analyze(data);
        report.Dimensions[0].OverallEffect!.AbsoluteEffect.Should().BeGreaterThan(5);
        var finding = report.Simpson.Should().ContainSingle().Subject;
        finding.Dimension.Should().Be("segment");
        finding.SegmentsAgainst.Should().BeEquivalentTo(["s0", "s1"]);
    }

    [Fact]
    public void Analyze_SameEffectsBalancedAllocation_DoesNotFlag()
    {
        var data = Simulated.Data(3, [2000, 2000], [10, 20], [-1, -1], sd: 1, treatedShares: [0.5, 0.5]);
        var report = new SegmentAnalyzer(new SegmentationOptions()).Analyze(data);
        report.Dimensions[0].OverallEffect!.AbsoluteEffect.Should().BeNegative();
        report.Simpson.Should().BeEmpty();
    }
}
