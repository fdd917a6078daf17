using System.Text.Json;
using CohortKit.Experiments;
using CohortKit.Learners;
using CohortKit.Testing;

namespace CohortKit.Segmentation.Tests.Table;

/// <summary>The segment table against SciPy/statsmodels (tests/reference/segmentation/segment_table.json) and the heterogeneity
/// statistics against tests/reference/experiments/heterogeneity.json, both through <see cref="SegmentAnalyzer.Analyze"/>.</summary>
public sealed class SegmentTableReferenceTests
{
    private const double Exact = 1e-9;

    private static void Close(double actual, double expected, string what) =>
        actual.Should().BeApproximately(expected, Exact * Math.Max(1, Math.Abs(expected)), what);

    [Fact]
    public void Analyze_OneDimensionWithArms_MatchesScipyAndStatsmodels()
    {
        var reference = SharedData.Reference("segmentation/segment_table.json");
        var input = reference.GetProperty("input");
        var segment = CategoricalColumn.Encode("region", input.GetProperty("segment").EnumerateArray().Select(e => e.GetString()!));
        var arm = CategoricalColumn.Encode("arm", input.GetProperty("arm").EnumerateArray().Select(e => e.GetString()!));
        var data = new SegmentationData([new MetricColumn("y", input.Doubles("y"))], [segment]) { Arm = arm, ControlArm = "control" };

        var report = new SegmentAnalyzer(new SegmentationOptions { MinimumSegmentSize = reference.GetProperty("minimumSegmentSize").GetInt32() }).Analyze(data);

        var expected = reference.GetProperty("expected");
        var table = report.Dimensions.Should().ContainSingle().Subject;
        Close(table.OverallMean, expected.GetProperty("overallMean").GetDouble(), "overall mean");
        var h = table.Heterogeneity!;
        Close(h.Q, expected.GetProperty("q").GetDouble(), "Q");
        h.DegreesOfFreedom.Should().Be(expected.GetProperty("df").GetInt32());
        Close(h.PValue, expected.GetProperty("pValue").GetDouble(), "p of Q");
        Close(h.ISquared, expected.GetProperty("i2").GetDouble(), "I2");
        Close(h.Tau2, expected.GetProperty("tau2").GetDouble(), "tau2");
        var rows = expected.GetProperty("segments").EnumerateArray().ToList();
        table.Segments.Select(s => s.Value).Should().Equal(rows.Select(r => r.GetProperty("value").GetString()));
        for (var i = 0; i < rows.Count; i++)
        {
            var (e, s) = (rows[i], table.Segments[i]);
            var what = s.Value;
            s.N.Should().Be(e.GetProperty("n").GetInt64());
            Close(s.Share, D(e, "share"), $"{what} share");
            Close(s.Mean, D(e, "mean"), $"{what} mean");
            Close(s.MeanInterval!.Value.Low, D(e, "ciLow"), $"{what} ci low");
            Close(s.MeanInterval!.Value.High, D(e, "ciHigh"), $"{what} ci high");
            Close(s.DifferenceFromOverall, D(e, "differenceFromOverall"), $"{what} difference");
            Close(s.DifferenceInterval!.Value.Low, D(e, "differenceCiLow"), $"{what} difference low");
            Close(s.DifferenceInterval!.Value.High, D(e, "differenceCiHigh"), $"{what} difference high");
            Close(s.DifferenceAdjustedPValue!.Value, D(e, "differenceAdjustedPValue"), $"{what} difference BH p");
            var effect = s.Effect!;
            Close(effect.Result.AbsoluteEffect, D(e, "effect"), $"{what} effect");
            Close(effect.Result.StandardError, D(e, "effectStandardError"), $"{what} se");
            Close(effect.Result.Interval.Low, D(e, "effectCiLow"), $"{what} effect low");
            Close(effect.Result.Interval.High, D(e, "effectCiHigh"), $"{what} effect high");
            Close(effect.Result.PValue, D(e, "effectPValue"), $"{what} p");
            Close(effect.AdjustedPValue, D(e, "effectAdjustedPValue"), $"{what} BH p");
            Close(effect.Result.RelativeEffect!.Value, D(e, "relativeEffect"), $"{what} relative");
            Close(effect.ShrunkEffect!.Value, D(e, "shrunkEffect"), $"{what} shrunk");
        }

        table.Segments[^1].Flags.Should().HaveFlag(SegmentAlerts.Pooled);
        table.Segments.Take(3).Should().OnlyContain(s => !s.Flags.HasFlag(SegmentAlerts.Pooled));
    }

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    [Fact]
    public void Analyze_MannWhitney_MatchesScipyPerSegment()
    {
        var reference = SharedData.Reference("segmentation/segment_table.json");
        var input = reference.GetProperty("input");
        var data = new SegmentationData([new MetricColumn("y", input.Doubles("y"))],
            [CategoricalColumn.Encode("region", input.GetProperty("segment").EnumerateArray().Select(e => e.GetString()!))])
        {
            Arm = CategoricalColumn.Encode("arm", input.GetProperty("arm").EnumerateArray().Select(e => e.GetString()!)),
            ControlArm = "control",
        };
        var options = new SegmentationOptions { Test = CohortKit.Experiments.Readout.TestChoice.MannWhitney };
        var rows = new SegmentAnalyzer(options).Analyze(data).Dimensions[0].Segments;
        var expected = reference.GetProperty("expected").GetProperty("segments").EnumerateArray().ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Effect!.Result.Test.Should().Be(CohortKit.Experiments.Effects.TwoSampleTest.MannWhitney);
            Close(rows[i].Effect!.Result.PValue, D(expected[i], "mannWhitneyPValue"), $"{rows[i].Value} Mann-Whitney p");
        }
    }

    /// <summary>Each reference case becomes one dimension whose segment i has control values {−a, a} and treatment values
    /// {yᵢ − a, yᵢ + a} with a = √(vᵢ/2): Welch then gives effect yᵢ and variance a² + a² = vᵢ exactly, so the analyzer's
    /// Q, I² and τ² must reproduce the reference.</summary>
    [Fact]
    public void Analyze_Heterogeneity_ReproducesReferenceTo1e9()
    {
        foreach (var c in SharedData.Cases("experiments/heterogeneity.json"))
        {
            var effects = c.Doubles("effects");
            var variances = c.Doubles("variances");
            List<double> y = [];
            List<int> seg = [], arm = [];
            for (var i = 0; i < effects.Length; i++)
            {
                var a = Math.Sqrt(variances[i] / 2);
                foreach (var (value, treated) in new[] { (-a, 0), (a, 0), (effects[i] - a, 1), (effects[i] + a, 1) })
                {
                    y.Add(value);
                    seg.Add(i);
                    arm.Add(treated);
                }
            }

            var data = new SegmentationData([new MetricColumn("y", y.ToArray())],
                [new CategoricalColumn("segment", [.. effects.Select((_, i) => $"s{i}")], [.. seg])])
            {
                Arm = new CategoricalColumn("arm", ["control", "treatment"], [.. arm]),
                ControlArm = "control",
            };
            var report = new SegmentAnalyzer(new SegmentationOptions { MinimumSegmentSize = 4 }).Analyze(data);
            var h = report.Dimensions[0].Heterogeneity!;
            var expected = c.GetProperty("expected");
            var name = c.GetProperty("name").GetString();
            Close(h.Q, D(expected, "q"), $"{name} Q");
            h.DegreesOfFreedom.Should().Be(expected.GetProperty("df").GetInt32());
            Close(h.PValue, D(expected, "pValue"), $"{name} p");
            Close(h.ISquared, D(expected, "iSquared"), $"{name} I2");
            Close(h.Tau2, D(expected, "tau2DerSimonianLaird"), $"{name} tau2");
            Close(h.RandomEffect, D(expected, "randomEffect"), $"{name} random effect");
        }
    }
}
