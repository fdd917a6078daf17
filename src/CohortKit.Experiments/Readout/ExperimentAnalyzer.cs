using CohortKit.Experiments.Clustering;
using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.VarianceReduction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Readout;

/// <summary>
/// Produces an experiment readout: the SRM gate, every treatment arm against control on every metric (Welch, the
/// two-proportion z-test, Mann–Whitney, CUPED with a covariate, cluster-robust errors with clusters), multiple-testing
/// adjustment with an audit line on every result, a per-segment breakdown and the "no regression in any segment" guardrail.
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options.</remarks>
public sealed partial class ExperimentAnalyzer
{
    private readonly ILogger _logger;

    /// <summary>Creates an analyzer (the non-DI entry).</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public ExperimentAnalyzer(ReadoutOptions? options = null, ILogger<ExperimentAnalyzer>? logger = null)
    {
        Options = options ?? new ReadoutOptions();
        Options.Validate();
        _logger = logger ?? NullLogger<ExperimentAnalyzer>.Instance;
    }

    /// <summary>Creates an analyzer from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public ExperimentAnalyzer(IOptions<ReadoutOptions> options, ILogger<ExperimentAnalyzer>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets the settings.</summary>
    public ReadoutOptions Options { get; }

    /// <summary>Analyses an experiment.</summary>
    /// <param name="data">One row per unit.</param>
    /// <returns>The readout.</returns>
    /// <exception cref="ArgumentException">A metric has a non-finite value, a proportion metric is not 0/1, an arm has fewer
    /// than 2 units, a metric has zero variance in both arms, or the expected split does not match the arms.</exception>
    public ExperimentReadout Analyze(ExperimentData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var activity = AaValidation.AaTestValidator.Source.StartActivity("ExperimentAnalyzer.Analyze");
        var o = Options;
        foreach (var m in data.Metrics)
        {
            CheckFinite(m.Column);
            if (m.Covariate is { } cov) { CheckFinite(cov); }
        }

        var arms = data.Arm;
        var armCount = arms.Categories.Count;
        var counts = new long[armCount];
        foreach (var code in arms.Codes) { counts[code]++; }
        var split = data.ExpectedSplit?.ToArray() ?? Enumerable.Repeat(1.0 / armCount, armCount).ToArray();
        if (split.Length != armCount)
        {
            throw new ArgumentException($"ExpectedSplit has {split.Length} entries for {armCount} arms.", nameof(data));
        }

        var srm = SampleRatioMismatch.Check(counts, split, o.SrmThreshold);
        var treatmentArms = Enumerable.Range(0, armCount).Where(a => a != data.ControlCode).ToArray();
        var all = Enumerable.Range(0, arms.Count).ToArray();
        var overall = Compare(data, all, null, treatmentArms, requireAll: true);

        var segments = new List<Pending>();
        if (data.Segment is { } segment)
        {
            if (segment.Count != arms.Count)
            {
                throw new ArgumentException($"The segment column '{segment.Name}' has {segment.Count} rows; the arm column has {arms.Count}.", nameof(data));
            }

            foreach (var (label, rows) in SegmentGroups(segment, o.MaxSegments))
            {
                segments.AddRange(Compare(data, rows, label, treatmentArms, requireAll: false));
            }
        }

        var metrics = Adjust(overall, "overall comparisons");
        var bySegment = Adjust(segments, "segment comparisons (a family of its own, never pooled with the overall one)");
        LogReadout(_logger, data.Metrics.Count, treatmentArms.Length, srm.IsMismatch);
        return new ExperimentReadout { Srm = srm, Metrics = metrics, Segments = bySegment, Alpha = o.Alpha };
    }

    private List<Pending> Compare(ExperimentData data, int[] rows, string? segment, int[] treatmentArms, bool requireAll)
    {
        var result = new List<Pending>();
        var codes = data.Arm.Codes.ToArray();
        var control = rows.Where(r => codes[r] == data.ControlCode).ToArray();
        foreach (var metric in data.Metrics)
        {
            foreach (var arm in treatmentArms)
            {
                var treated = rows.Where(r => codes[r] == arm).ToArray();
                if (!requireAll && (control.Length < 2 || treated.Length < 2))
                {
                    continue;
                }

                try
                {
                    result.Add(Run(data, metric, control, treated, arm, segment));
                }
                catch (ArgumentException) when (!requireAll)
                {
                    // A segment too small or too uniform for the test: it is left out of the breakdown rather than reported as NaN.
                }
            }
        }

        return result;
    }

    private sealed record Pending(MetricReadout Partial, ExperimentMetric Metric, Func<double, TwoSampleResult> Recompute);

    private Pending Run(ExperimentData data, ExperimentMetric metric, int[] control, int[] treated, int arm, string? segment)
    {
        var values = metric.Column.Values;
        static double[] Pick(ReadOnlyMemory<double> v, int[] rows)
        {
            var span = v.Span;
            var picked = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++) { picked[i] = span[rows[i]]; }
            return picked;
        }
        var yc = Pick(values, control);
        var yt = Pick(values, treated);
        double? reduction = null;
        Func<double, TwoSampleResult> compute;
        if (data.Clusters is { } clusters)
        {
            var rows = control.Concat(treated).ToArray();
            var y = Pick(values, rows);
            var isT = rows.Select((_, i) => i >= control.Length).ToArray();
            var cl = rows.Select(r => clusters[r]).ToArray();
            compute = a => ClusterRobust.Compute(y, isT, cl, a);
        }
        else if (metric.Covariate is { } covariate)
        {
            var rows = control.Concat(treated).ToArray();
            var y = Pick(values, rows);
            var x = Pick(covariate.Values, rows);
            var isT = rows.Select((_, i) => i >= control.Length).ToArray();
            reduction = Cuped.Compute(y, x, isT, Options.Alpha).VarianceReduction;
            compute = a => Cuped.Compute(y, x, isT, a).Result;
        }
        else
        {
            var test = Options.Test;
            var binary = yc.All(v => v is 0 or 1) && yt.All(v => v is 0 or 1);
            if (test == TestChoice.Proportion && !binary)
            {
                throw new ArgumentException($"Metric '{metric.Column.Name}' has values other than 0 and 1; the proportion test needs a 0/1 metric.", nameof(data));
            }

            compute = (test == TestChoice.Auto && binary) || test == TestChoice.Proportion
                ? a => TwoProportionZTest.Compute((long)yc.Sum(), yc.Length, (long)yt.Sum(), yt.Length, a)
                : test == TestChoice.MannWhitney
                    ? a => MannWhitneyUTest.Compute(yc, yt, a)
                    : a => WelchTTest.Compute(yc, yt, a);
        }

        var r = Wrap(compute(Options.Alpha), metric, data.Arm.Categories[arm], segment, reduction);
        return new Pending(r, metric, compute);
    }

    private static MetricReadout Wrap(TwoSampleResult r, ExperimentMetric metric, string arm, string? segment, double? reduction)
    {
        return new MetricReadout(r)
        {
            Metric = metric.Column.Name,
            Arm = arm,
            Role = metric.Role,
            Segment = segment,
            VarianceReduction = reduction,
            Regression = metric.Role == MetricRole.Guardrail && (metric.HigherIsBetter ? r.CiHigh < 0 : r.CiLow > 0),
        };
    }

    private List<MetricReadout> Adjust(List<Pending> family, string what)
    {
        var m = family.Count;
        if (m == 0)
        {
            return [];
        }

        var o = Options;
        var adjusted = MultipleTesting.Adjust(family.Select(f => f.Partial.PValue).ToArray(), o.Correction);
        var note = o.Correction switch
        {
            Correction.None when m == 1 => "none: a single comparison",
            Correction.None => $"none requested over {m} {what}; p-values and intervals are unadjusted",
            Correction.Bonferroni => $"bonferroni over {m} {what}: p × {m} and {100 * (1 - o.Alpha / m):G6}% intervals (α/{m}) to control the family-wise error",
            Correction.Holm => $"holm over {m} {what}: step-down p-values control the family-wise error; intervals are unadjusted (Holm has no matching interval)",
            _ => $"benjamini-hochberg over {m} {what}: step-up p-values control the false discovery rate; intervals are unadjusted",
        };
        var list = new List<MetricReadout>(m);
        for (var i = 0; i < m; i++)
        {
            var readout = family[i].Partial;
            if (o.Correction == Correction.Bonferroni && m > 1)
            {
                var wide = family[i].Recompute(o.Alpha / m);
                var metric = family[i].Metric;
                var regression = metric.Role == MetricRole.Guardrail && (metric.HigherIsBetter ? wide.CiHigh < 0 : wide.CiLow > 0);
                readout = readout with
                {
                    CiLow = wide.CiLow,
                    CiHigh = wide.CiHigh,
                    RelativeCiLow = wide.RelativeCiLow,
                    RelativeCiHigh = wide.RelativeCiHigh,
                    Regression = regression,
                };
            }

            list.Add(readout with { AdjustedPValue = adjusted[i], Adjustment = note });
        }

        return list;
    }

    private static IEnumerable<(string Label, int[] Rows)> SegmentGroups(Learners.CategoricalColumn segment, int maxSegments)
    {
        var byCode = Enumerable.Range(0, segment.Count).GroupBy(i => segment.Codes[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
        foreach (var g in byCode.Take(maxSegments))
        {
            yield return (segment.Categories[g.Key], g.ToArray());
        }

        if (byCode.Count > maxSegments)
        {
            yield return ("(other)", byCode.Skip(maxSegments).SelectMany(g => g).Order().ToArray());
        }
    }

    private static void CheckFinite(MetricColumn column)
    {
        var s = column.Values.Span;
        for (var i = 0; i < s.Length; i++)
        {
            if (!double.IsFinite(s[i]))
            {
                throw new ArgumentException($"Metric '{column.Name}' has {s[i]} at row {i}; values must be finite.", nameof(column));
            }
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Readout: {Metrics} metrics, {Arms} treatment arms, SRM {Mismatch}")]
    private static partial void LogReadout(ILogger logger, int metrics, int arms, bool mismatch);
}
