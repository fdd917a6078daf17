namespace CohortKit.Segmentation.Tests.Table;

/// <summary>Statistical claims checked against data with known truth (<see cref="Simulated"/>), with fixed seeds and stated
/// error rates: interval coverage, flags in a high-power setting, flags in an A/A setting.</summary>
public sealed class SimulationTruthTests
{
    [Fact]
    public void Analyze_SegmentEffectIntervals_CoverTheTruthAtTheNominalRate()
    {
        double[] effects = [0.5, -0.3, 0, 1.2];
        const int Seeds = 300;
        var covered = 0;
        var analyzer = new SegmentAnalyzer(new SegmentationOptions { MaxDegreeOfParallelism = 1 });
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var data = Simulated.Data((ulong)seed, [150, 120, 100, 80], [10, 12, 9, 11], effects, sd: 2);
            var rows = analyzer.Analyze(data).Dimensions[0].Segments;
            rows.Should().HaveCount(4);
            foreach (var row in rows)
            {
                if (row.Effect!.Result.Interval.Contains(effects[int.Parse(row.Value[1..], System.Globalization.CultureInfo.InvariantCulture)])) { covered++; }
            }
        }

        var (low, high) = Simulated.Band(0.95, Seeds * 4);
        ((double)covered / (Seeds * 4)).Should().BeInRange(low, high, "95 % intervals cover the true effect 95 % of the time (99.9 % band over 1,200 intervals)");
    }

    [Fact]
    public void Analyze_HighPower_FlagsExactlyTheSegmentsWithTrueDifferencesAboveTheThreshold()
    {
        // Equal sizes, so the true overall mean is 10.08: relative differences −0.8 %, −0.8 %, +1.2 %, +14.1 %, −13.7 %.
        double[] means = [10, 10, 10.2, 11.5, 8.7];
        // True relative effects: +5 %, 0, −6 %, +5.2 %, +5.7 %: only s2 regresses.
        double[] effects = [0.5, 0, -0.612, 0.6, 0.5];
        var data = Simulated.Data(7, [20_000, 20_000, 20_000, 20_000, 20_000], means, effects, sd: 2);
        var rows = new SegmentAnalyzer(new SegmentationOptions()).Analyze(data).Dimensions[0].Segments.ToDictionary(r => r.Value);
        rows.Where(r => r.Value.Flags.HasFlag(SegmentAlerts.Differs)).Select(r => r.Key).Should().BeEquivalentTo(["s3", "s4"]);
        rows.Where(r => r.Value.Flags.HasFlag(SegmentAlerts.Regression)).Select(r => r.Key).Should().BeEquivalentTo(["s2"]);
        rows.Where(r => r.Value.Flags.HasFlag(SegmentAlerts.BelowMinimumLift)).Select(r => r.Key).Should().BeEquivalentTo(["s1", "s2"]);
        rows.Values.Should().OnlyContain(r => !r.Flags.HasFlag(SegmentAlerts.Underpowered), "20,000 learners detect a 3 % lift");
        rows["s0"].Recommendation.Action.Should().Be(SegmentAction.Keep);
        rows["s2"].Recommendation.Action.Should().Be(SegmentAction.ExcludeOrRetune);
        rows["s1"].Recommendation.Action.Should().Be(SegmentAction.Retune, "its interval lies below the +3 % minimum lift");
    }

    [Fact]
    public void Analyze_AaSetting_FlagsNoMoreOftenThanTheCorrectedErrorRate()
    {
        const int Seeds = 400;
        int differs = 0, significant = 0;
        var analyzer = new SegmentAnalyzer(new SegmentationOptions { Threshold = 0, MaxDegreeOfParallelism = 1 });
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var data = Simulated.Data((ulong)(1000 + seed), [100, 100, 100, 100, 100, 100], [10, 10, 10, 10, 10, 10], [0, 0, 0, 0, 0, 0], sd: 2);
            var rows = analyzer.Analyze(data).Dimensions[0].Segments;
            if (rows.Any(r => r.Flags.HasFlag(SegmentAlerts.Differs))) { differs++; }
            if (rows.Any(r => r.Effect!.AdjustedPValue < 0.05)) { significant++; }
        }

        // Under the global null Benjamini–Hochberg holds the chance of any rejection in a family at α = 0.05.
        var (_, high) = Simulated.Band(0.05, Seeds);
        ((double)differs / Seeds).Should().BeLessThanOrEqualTo(high, "segment-vs-rest differences are corrected across the dimension");
        ((double)significant / Seeds).Should().BeLessThanOrEqualTo(high, "segment effects are corrected across the dimension");
    }
}
