using CohortKit.Experiments;
using CohortKit.Learners;

namespace CohortKit.Segmentation.Tests.Table;

/// <summary>A 0/1 metric's mean is a rate, and its interval is Wilson's (statsmodels 0.13.5
/// <c>proportion_confint(method="wilson")</c>), which stays in [0, 1]; the review found t intervals of [−0.044, …] for a
/// segment of 20 with 2 successes, and [−2.66, 3.66] for a segment of 2.</summary>
public sealed class RateIntervalTests
{
    [Fact]
    public void Analyze_ZeroOneMetric_MeanIntervalIsWilsons()
    {
        // Segment a: 2 of 20; segment b: 45 of 80.
        var y = Enumerable.Range(0, 100).Select(i => i < 20 ? (i < 2 ? 1.0 : 0.0) : (i < 65 ? 1.0 : 0.0)).ToArray();
        var plan = CategoricalColumn.Encode("plan", Enumerable.Range(0, 100).Select(i => i < 20 ? "a" : "b"));
        var report = new SegmentAnalyzer(new SegmentationOptions { MinimumSegmentSize = 2 }).Analyze(new SegmentationData([new MetricColumn("y", y)], [plan]));
        var rows = report.Dimensions.Single().Segments.ToDictionary(s => s.Value);
        rows["a"].MeanInterval!.Value.Low.Should().BeApproximately(0.027866481213768196, 1e-12);
        rows["a"].MeanInterval!.Value.High.Should().BeApproximately(0.3010336452284873, 1e-12);
        rows["b"].MeanInterval!.Value.Low.Should().BeApproximately(0.4534113429694972, 1e-12);
        rows["b"].MeanInterval!.Value.High.Should().BeApproximately(0.6658613908385618, 1e-12);
        rows["a"].MeanInterval!.Value.Level.Should().Be(0.95);
    }
}
