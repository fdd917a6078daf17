using CohortKit.Experiments.Hypothesis;
using System.Text.Json;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Readout;
using CohortKit.Learners;

namespace CohortKit.Experiments.Tests.Readouts;

public class ReadoutTests
{
    private static (CategoricalColumn Arm, double[] Y, double[] Binary, CategoricalColumn Segment) Data(int n, int arms, double effect, int seed, Func<int, double>? segmentEffect = null)
    {
        var rng = new Random(seed);
        var armValues = new string[n];
        var segment = new string[n];
        var y = new double[n];
        var binary = new double[n];
        for (var i = 0; i < n; i++)
        {
            var a = rng.Next(arms);
            armValues[i] = a == 0 ? "control" : $"t{a}";
            var s = rng.Next(3);
            segment[i] = $"s{s}";
            var shift = a == 0 ? 0 : segmentEffect?.Invoke(s) ?? effect;
            y[i] = 10 + shift + rng.NextDouble() * 4;
            binary[i] = rng.NextDouble() < 0.3 + (a == 0 ? 0 : shift / 100) ? 1 : 0;
        }

        return (CategoricalColumn.Encode("arm", armValues), y, binary, CategoricalColumn.Encode("segment", segment));
    }

    [Fact]
    public void Analyze_MatchesTheUnderlyingTests_AndPicksProportionFor01Metrics()
    {
        var (arm, y, binary, _) = Data(4000, 2, 0.2, 1);
        var readout = new ExperimentAnalyzer().Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y)), new(new MetricColumn("converted", binary))]));
        var control = y.Where((_, i) => arm[i] == "control").ToArray();
        var treated = y.Where((_, i) => arm[i] != "control").ToArray();
        var welch = WelchTTest.Compute(control, treated);
        var m = readout.Metrics.Single(r => r.Metric == "y");
        m.Test.Should().Be("welch");
        m.PValue.Should().Be(welch.PValue);
        m.CiLow.Should().Be(welch.CiLow);
        readout.Metrics.Single(r => r.Metric == "converted").Test.Should().Be("proportion");
        readout.Srm.Observed.Sum().Should().Be(4000);
        readout.Trustworthy.Should().BeTrue();
    }

    [Fact]
    public void Analyze_Bonferroni_MultipliesPAndWidensIntervals_AndSaysSo()
    {
        var (arm, y, binary, _) = Data(3000, 3, 0.1, 2);
        var metrics = new List<ExperimentMetric> { new(new MetricColumn("y", y)), new(new MetricColumn("b", binary)) };
        var plain = new ExperimentAnalyzer().Analyze(new ExperimentData(arm, "control", metrics));
        var adjusted = new ExperimentAnalyzer(new ReadoutOptions { Correction = Correction.Bonferroni }).Analyze(new ExperimentData(arm, "control", metrics));
        plain.Metrics.Should().HaveCount(4, "two metrics × two treatment arms");
        for (var i = 0; i < 4; i++)
        {
            adjusted.Metrics[i].AdjustedPValue.Should().BeApproximately(Math.Min(1, plain.Metrics[i].PValue * 4), 1e-15);
            (adjusted.Metrics[i].CiHigh - adjusted.Metrics[i].CiLow).Should().BeGreaterThan(plain.Metrics[i].CiHigh - plain.Metrics[i].CiLow);
            adjusted.Metrics[i].Adjustment.Should().Contain("bonferroni over 4");
        }
    }

    [Fact]
    public void Analyze_SampleRatioMismatch_MarksTheReadoutUntrustworthy()
    {
        var arms = Enumerable.Range(0, 10_000).Select(i => i % 100 < 47 ? "control" : "treatment").ToArray();
        var y = Enumerable.Range(0, 10_000).Select(i => (double)(i % 13)).ToArray();
        var readout = new ExperimentAnalyzer().Analyze(new ExperimentData(CategoricalColumn.Encode("arm", arms), "control", [new(new MetricColumn("y", y))]));
        readout.Srm.PValue.Should().BeLessThan(0.001);
        readout.Trustworthy.Should().BeFalse();
        readout.ToMarkdown().Should().Contain("untrustworthy");
    }

    [Fact]
    public void Analyze_GuardrailRegressingInOneSegment_IsCaught()
    {
        var (arm, y, _, segment) = Data(9000, 2, 0, 3, s => s == 2 ? -1.0 : 0.0);
        var readout = new ExperimentAnalyzer().Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y), MetricRole.Guardrail)]) { Segment = segment });
        readout.Segments.Single(r => r.Segment == "s2").Regression.Should().BeTrue();
        readout.Segments.Where(r => r.Segment != "s2").Should().OnlyContain(r => !r.Regression);
        readout.NoGuardrailRegression.Should().BeFalse();
        readout.Segments.Should().OnlyContain(r => r.Adjustment.StartsWith("none requested over 3 segment comparisons", StringComparison.Ordinal));
    }

    [Fact]
    public void ToJson_HasTheCliContractFields()
    {
        var (arm, y, _, segment) = Data(2000, 2, 0.1, 4);
        var json = new ExperimentAnalyzer().Analyze(new ExperimentData(arm, "control", [new(new MetricColumn("y", y))]) { Segment = segment }).ToJson();
        using var doc = JsonDocument.Parse(json);
        var srm = doc.RootElement.GetProperty("srm");
        srm.GetProperty("chiSquare").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        srm.GetProperty("pValue").GetDouble().Should().BeInRange(0, 1);
        srm.GetProperty("observed").GetArrayLength().Should().Be(2);
        var metric = doc.RootElement.GetProperty("metrics")[0];
        foreach (var field in new[] { "metric", "arm", "test", "controlN", "treatmentN", "controlMean", "treatmentMean", "absoluteEffect", "ciLow", "ciHigh", "relativeEffect", "relativeCiLow", "relativeCiHigh", "pValue", "adjustedPValue", "statistic" })
        {
            metric.TryGetProperty(field, out _).Should().BeTrue(field);
        }

        doc.RootElement.GetProperty("segments").GetArrayLength().Should().Be(3);
    }

    [Fact]
    public void BadInput_ThrowsNamingTheProblem()
    {
        var arm = CategoricalColumn.Encode("arm", ["a", "b", "a", "b"]);
        ((Func<ExperimentData>)(() => new ExperimentData(arm, "control", [new(new MetricColumn("y", new double[4]))]))).Should().Throw<ArgumentException>().WithMessage("*'control' is not present in column 'arm'*");
        var nan = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1, double.NaN, 2, 3 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer().Analyze(nan))).Should().Throw<ArgumentException>().WithMessage("*'y' has NaN at row 1*");
        var notBinary = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1.0, 2, 0, 1 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer(new ReadoutOptions { Test = TestChoice.Proportion }).Analyze(notBinary))).Should().Throw<ArgumentException>().WithMessage("*other than 0 and 1*");
        var constant = new ExperimentData(arm, "a", [new(new MetricColumn("y", new[] { 1.0, 1, 1, 1 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer().Analyze(constant))).Should().Throw<ArgumentException>();
        ((Func<ExperimentAnalyzer>)(() => new ExperimentAnalyzer(new ReadoutOptions { Alpha = 1.5 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Alpha");
        var tiny = new ExperimentData(CategoricalColumn.Encode("arm", ["a", "b", "b"]), "a", [new(new MetricColumn("y", new[] { 1.0, 2, 3 }))]);
        ((Func<ExperimentReadout>)(() => new ExperimentAnalyzer().Analyze(tiny))).Should().Throw<ArgumentException>().WithMessage("*control arm has 1 observation*");
    }
}
