using CohortKit.Experiments.AaValidation;
using CohortKit.Learners;
using MathNet.Numerics.Distributions;

namespace CohortKit.Experiments.Tests.AaValidation;

/// <summary>
/// The validator's report recomputed from its definition: the assignment of each iteration is taken from the engine's
/// documented layout (units grouped by segment, each segment starting on a whole 64-unit word, bit = treatment), and every
/// p-value, count, rate, KS statistic and interval is then computed here — Welch's test written out with MathNet's Student t,
/// Clopper–Pearson from the beta quantiles, D from the sorted p-values, the MDEs from statsmodels.
/// </summary>
public class AaReportRecomputedTests
{
    private const int N = 300;

    private static (double[] Skewed, double[] Binary, string[] Segment) Population()
    {
        var rng = new Random(21);
        var skewed = Enumerable.Range(0, N).Select(_ => Math.Exp(2 * rng.NextDouble())).ToArray();
        var binary = Enumerable.Range(0, N).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
        // a: 150 units (words 0–2), b: 90 (words 3–4), c: 60 (word 5).
        var segment = Enumerable.Range(0, N).Select(i => (i % 10) switch { < 5 => "a", < 8 => "b", _ => "c" }).ToArray();
        return (skewed, binary, segment);
    }

    private static double WelchP(double[] control, double[] treatment)
    {
        if (control.Length < 2 || treatment.Length < 2) { return double.NaN; }
        double Var(double[] x) { var m = x.Average(); return x.Sum(v => (v - m) * (v - m)) / (x.Length - 1); }
        double vc = Var(control) / control.Length, vt = Var(treatment) / treatment.Length;
        if (vc + vt == 0) { return double.NaN; }
        var t = (treatment.Average() - control.Average()) / Math.Sqrt(vc + vt);
        var df = (vc + vt) * (vc + vt) / (vc * vc / (control.Length - 1) + vt * vt / (treatment.Length - 1));
        return 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
    }

    private static (int Positives, int Tested, double D) Expected(IEnumerable<double> pValues, double alpha)
    {
        var p = pValues.Where(x => !double.IsNaN(x)).Order().ToArray();
        var d = 0.0;
        for (var i = 0; i < p.Length; i++) { d = Math.Max(d, Math.Max((i + 1.0) / p.Length - p[i], p[i] - (double)i / p.Length)); }
        return (p.Count(x => x < alpha), p.Length, d);
    }

    private static double Sd(double[] x) { var m = x.Average(); return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1)); }

    [Theory]
    [InlineData(0.5, 0.1)]
    [InlineData(0.3, 0.05)]
    public void Rerandomize_Report_EqualsItsDefinitionRecomputedFromTheAssignments(double split, double alpha)
    {
        var (skewed, binary, segmentValues) = Population();
        const int Iterations = 240;
        var options = new AaValidationOptions { Iterations = Iterations, Seed = 7, Split = split, Alpha = alpha, ConfidenceLevel = 0.9, MaxDegreeOfParallelism = 2 };
        var segment = CategoricalColumn.Encode("seg", segmentValues);
        var report = new AaTestValidator(options).Rerandomize([new MetricColumn("skewed", skewed), new MetricColumn("binary", binary)], segment);

        string[] names = ["a", "b", "c"];
        var wordStart = new[] { 0, 3, 5 };
        var slot = new int[N];
        var next = wordStart.Select(w => w * 64).ToArray();
        for (var i = 0; i < N; i++) { slot[i] = next[Array.IndexOf(names, segmentValues[i])]++; }

        var overall = new List<double>[2] { [], [] };
        var perSegment = new List<double>[3, 2];
        for (var s = 0; s < 3; s++) { perSegment[s, 0] = []; perSegment[s, 1] = []; }
        var mask = new ulong[6];
        double[][] metrics = [skewed, binary];
        for (var it = 0; it < Iterations; it++)
        {
            RerandomizationEngine.Assign(7, it, split, mask);
            var treated = slot.Select(p => ((mask[p >> 6] >> (p & 63)) & 1) == 1).ToArray();
            for (var j = 0; j < 2; j++)
            {
                var y = metrics[j];
                overall[j].Add(WelchP([.. y.Where((_, i) => !treated[i])], [.. y.Where((_, i) => treated[i])]));
                for (var s = 0; s < 3; s++)
                {
                    bool In(int i) => segmentValues[i] == names[s];
                    perSegment[s, j].Add(WelchP([.. y.Where((_, i) => In(i) && !treated[i])], [.. y.Where((_, i) => In(i) && treated[i])]));
                }
            }
        }

        // statsmodels 0.13.5 TTestIndPower.power(d, nobs1 = (1 − split)·units, ratio = split/(1 − split), alpha = 0.05) = 0.8,
        // solved by SciPy brentq (xtol 1e-15), for the split-0.3 run: units 300, 150, 90, 60.
        var d03 = new Dictionary<int, double> { [300] = 0.3541087070254706, [150] = 0.5024377650112223, [90] = 0.651564875075555, [60] = 0.8026283887813465 };

        void Check(AaMetricResult r, List<double> pValues, double[] values)
        {
            var (positives, tested, d) = Expected(pValues, alpha);
            var because = $"{r.Metric} / {r.Segment ?? "overall"}";
            r.Units.Should().Be(values.Length, because);
            r.Iterations.Should().Be(tested, because);
            r.FalsePositives.Should().Be(positives, because);
            r.FalsePositiveRate.Should().BeApproximately((double)positives / tested, 1e-15, because);
            r.KsStatistic.Should().BeApproximately(d, 1e-9, because);
            r.Alpha.Should().Be(alpha);
            // Clopper–Pearson at level 0.9: Beta(x, n − x + 1) and Beta(x + 1, n − x) quantiles at 0.05 and 0.95.
            var low = positives == 0 ? 0 : Beta.InvCDF(positives, tested - positives + 1, 0.05);
            var high = positives == tested ? 1 : Beta.InvCDF(positives + 1, tested - positives, 0.95);
            r.FalsePositiveRateInterval.Low.Should().BeApproximately(low, 1e-9, because);
            r.FalsePositiveRateInterval.High.Should().BeApproximately(high, 1e-9, because);
            r.FalsePositiveRateInterval.Level.Should().BeApproximately(0.9, 1e-15);
            var low999 = positives == 0 ? 0 : Beta.InvCDF(positives, tested - positives + 1, 0.0005);
            var high999 = positives == tested ? 1 : Beta.InvCDF(positives + 1, tested - positives, 0.9995);
            r.IsCalibrated.Should().Be(r.KsPValue >= 0.001 && low999 <= alpha && alpha <= high999, because);
            if (split == 0.3)
            {
                r.MinimumDetectableRelativeEffect.Should().BeApproximately(d03[values.Length] * Sd(values) / Math.Abs(values.Average()), 1e-8, because);
            }
        }

        report.Metrics.Select(r => r.Metric).Should().Equal("skewed", "binary");
        report.Segments.Select(r => (r.Segment, r.Metric)).Should().Equal(("a", "skewed"), ("a", "binary"), ("b", "skewed"), ("b", "binary"), ("c", "skewed"), ("c", "binary"));
        for (var j = 0; j < 2; j++)
        {
            Check(report.Metrics[j], overall[j], metrics[j]);
            for (var s = 0; s < 3; s++)
            {
                var name = names[s];
                Check(report.Segments[s * 2 + j], perSegment[s, j], [.. metrics[j].Where((_, i) => segmentValues[i] == name)]);
            }
        }
    }
}
