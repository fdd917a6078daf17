using CohortKit.Events;
using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Simulation;
using CohortKit.Simulation.Experiments;

namespace CohortKit.Segmentation.Tests.Table;

/// <summary>The segment table on CohortKit.Simulation's platform with a planted per-segment effect (the simulator's ground truth).</summary>
public sealed class SimulatorTruthTests
{
    /// <summary>20,000 learners for 14 days; the treatment raises minutes per session by 30 % for plan "pro" only (the
    /// simulator's <see cref="TrueEffect"/> with a segment), and the number of sessions is untouched, so total minutes rise by
    /// about 30 % in pro and not at all elsewhere.</summary>
    [Fact]
    public void Analyze_PlantedSegmentEffect_IsFoundWhereItIs_AndOnlyThere()
    {
        var platform = new PlatformSimulator(new SimulationOptions
        {
            Learners = 20_000,
            Days = 14,
            Seed = 11,
            Experiment = new ExperimentDesign { Effects = [new TrueEffect("treatment", SimulatedMetric.Minutes, 0.30, "plan", "pro")] },
        }).Generate();
        var minutes = LearnerActivitySummary.Compute(platform.Activity).Minutes;
        var truth = platform.Truth;
        var arm = new CategoricalColumn("arm", [.. truth.ArmNames], [.. truth.Arm]);
        var data = new SegmentationData([new MetricColumn("minutes", minutes)], [platform.Learners["plan"]]) { Arm = arm, ControlArm = "control" };

        var table = new SegmentAnalyzer(new SegmentationOptions()).Analyze(data).Dimensions[0];

        var rows = table.Segments.ToDictionary(s => s.Value);
        rows.Keys.Should().Contain("pro");
        rows["pro"].Effect!.Result.RelativeInterval!.Value.Contains(0.30).Should().BeTrue("the planted +30 % lies in pro's interval");
        rows["pro"].Effect!.AdjustedPValue.Should().BeLessThan(0.001);
        foreach (var other in rows.Values.Where(r => r.Value != "pro"))
        {
            other.Effect!.Result.RelativeInterval!.Value.Contains(0).Should().BeTrue($"{other.Value} has no planted effect");
        }

        table.Heterogeneity!.PValue.Should().BeLessThan(0.001, "one segment's effect differs from the others'");
    }
}
