using CohortKit.Errors;
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

    private readonly ReadoutOptions _options;

    /// <summary>Creates an analyzer (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    /// <remarks>The analyzer reads no clock, so unlike the simulator it takes no <see cref="TimeProvider"/>.</remarks>
    public ExperimentAnalyzer(ReadoutOptions options, ILogger<ExperimentAnalyzer>? logger = null)
    {
        ReadoutOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
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

    /// <summary>Gets a copy of the validated settings (the analyzer keeps its own snapshot).</summary>
    public ReadoutOptions Options => _options.Snapshot();

    /// <summary>Analyses an experiment.</summary>
    /// <param name="data">One row per unit.</param>
    /// <returns>The readout.</returns>
    /// <exception cref="ArgumentException">A metric has a non-finite value, a proportion metric is not 0/1, an arm has fewer
    /// than 2 units, a metric has zero variance in both arms, or the expected split does not match the arms.</exception>
    public ExperimentReadout Analyze(ExperimentData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var activity = ExperimentsTelemetry.ActivitySource.StartActivity("ExperimentAnalyzer.Analyze");
        var o = _options;
        foreach (var m in data.Metrics)
        {
            Guard.Finite(m.Column.Values.Span, $"Metric '{m.Column.Name}'", nameof(data));
            if (m.Covariate is { } cov) { Guard.Finite(cov.Values.Span, $"Covariate '{cov.Name}'", nameof(data)); }
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

        if (data.Clusters is not null && data.Metrics.FirstOrDefault(m => m.Covariate is not null) is { } withCovariate)
        {
            throw new ArgumentException($"Metric '{withCovariate.Column.Name}' has a CUPED covariate and the data has clusters: CUPED with cluster-robust errors is not implemented, and dropping either silently would misstate the interval. Use one or the other.", nameof(data));
        }

        var srm = SampleRatioMismatch.Check(counts, split, o.SrmThreshold);
        var treatmentArms = Enumerable.Range(0, armCount).Where(a => a != data.ControlCode).ToArray();
        var all = Enumerable.Range(0, arms.Count).ToArray();
        // The test is chosen once per metric on all of its units, so that every segment is read with the same test.
        var tests = data.Metrics.Select(m => TestSelection.Choose(m.Column, o.Test)).ToArray();
        var overall = Compare(data, all, null, treatmentArms, tests, requireAll: true);

        var segments = new List<Pending>();
        var skipped = new List<SkippedComparison>();
        if (data.Segment is { } segment)
        {
            if (segment.Count != arms.Count)
            {
                throw new ArgumentException($"The segment column '{segment.Name}' has {segment.Count} rows; the arm column has {arms.Count}.", nameof(data));
            }

            foreach (var (label, rows) in SegmentGroups(segment, o.MaxSegments))
            {
                segments.AddRange(Compare(data, rows, label, treatmentArms, tests, requireAll: false, skipped));
            }
        }

        // Families: primary metrics × arms; secondary metrics × arms; all segment comparisons. Guardrails are never adjusted:
        // a correction would widen their intervals and hide harm.
        var metrics = Adjust(overall, [
            (MetricRole.Primary, false, "primary comparisons (metrics × arms)"),
            (MetricRole.Secondary, false, "secondary comparisons (a family of their own)"),
        ]);
        var bySegment = Adjust(segments, [
            (MetricRole.Primary, true, "segment comparisons (a family of their own, never pooled with the overall ones)"),
        ]);
        LogReadout(_logger, data.Metrics.Count, treatmentArms.Length, srm.IsMismatch);
        return new ExperimentReadout
        {
            Srm = srm,
            Metrics = metrics,
            Segments = bySegment,
            SkippedSegments = skipped,
            Alpha = o.Alpha,
            HasGuardrails = data.Metrics.Any(m => m.Role == MetricRole.Guardrail),
        };
    }

    private List<Pending> Compare(ExperimentData data, int[] rows, string? segment, int[] treatmentArms, TestChoice[] tests, bool requireAll, List<SkippedComparison>? skipped = null)
    {
        var result = new List<Pending>();
        var codes = data.Arm.Codes.ToArray();
        var control = rows.Where(r => codes[r] == data.ControlCode).ToArray();
        for (var j = 0; j < data.Metrics.Count; j++)
        {
            var metric = data.Metrics[j];
            foreach (var arm in treatmentArms)
            {
                var treated = rows.Where(r => codes[r] == arm).ToArray();
                if (!requireAll && (control.Length < 2 || treated.Length < 2))
                {
                    skipped?.Add(Skip(metric, data.Arm.Categories[arm], segment, SkipReason.TooFewUnits,
                        $"control has {control.Length} units and '{data.Arm.Categories[arm]}' {treated.Length} in the segment; a comparison needs at least 2 in each"));
                    continue;
                }

                try
                {
                    result.Add(Run(data, metric, tests[j], control, treated, arm, segment));
                }
                catch (ArgumentException ex) when (requireAll)
                {
                    // The test's own message (e.g. "Both arms have zero variance") does not know which metric it was given.
                    throw new ArgumentException($"Metric '{metric.Column.Name}', arm '{data.Arm.Categories[arm]}' against '{data.ControlArm}': {ex.WithoutParameterName()}", nameof(data), ex);
                }
                catch (ArgumentException ex) when (!requireAll)
                {
                    // A segment too uniform for the test: it is left out of the breakdown rather than reported as NaN, and
                    // the readout says so.
                    skipped?.Add(Skip(metric, data.Arm.Categories[arm], segment, SkipReason.Degenerate, ex.WithoutParameterName()));
                }
            }
        }

        return result;
    }

    private static SkippedComparison Skip(ExperimentMetric metric, string arm, string? segment, SkipReason reason, string detail) => new()
    {
        Metric = metric.Column.Name,
        Arm = arm,
        Segment = segment ?? "",
        Reason = reason,
        Detail = detail,
    };

    private sealed record Pending(MetricReadout Partial, ExperimentMetric Metric, Func<double, TwoSampleResult> Recompute);

    private Pending Run(ExperimentData data, ExperimentMetric metric, TestChoice test, int[] control, int[] treated, int arm, string? segment)
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
            reduction = Cuped.Compute(y, x, isT, _options.Alpha).VarianceReduction;
            compute = a => Cuped.Compute(y, x, isT, a).Result;
        }
        else
        {
            compute = test == TestChoice.Proportion
                ? a => TwoProportionZTest.Compute((long)yc.Sum(), yc.Length, (long)yt.Sum(), yt.Length, a)
                : test == TestChoice.MannWhitney
                    ? a => MannWhitneyUTest.Compute(yc, yt, a)
                    : a => WelchTTest.Compute(yc, yt, a);
        }

        var r = Wrap(compute(_options.Alpha), metric, data.Arm.Categories[arm], segment, reduction);
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
            Regression = metric.Role == MetricRole.Guardrail && (metric.HigherIsBetter ? r.Interval.High < 0 : r.Interval.Low > 0),
        };
    }

    /// <summary>Adjusts each family separately and keeps the input order. A family is the rows whose role is the given one
    /// (or every non-guardrail row when <c>AllButGuardrails</c>); guardrail rows are never adjusted.</summary>
    private List<MetricReadout> Adjust(List<Pending> rows, (MetricRole Role, bool AllButGuardrails, string What)[] families)
    {
        var result = rows.Select(r => r.Partial with { AdjustedPValue = r.Partial.PValue, Adjustment = GuardrailNote }).ToArray();
        foreach (var (role, allButGuardrails, what) in families)
        {
            var members = Enumerable.Range(0, rows.Count)
                .Where(i => allButGuardrails ? rows[i].Metric.Role != MetricRole.Guardrail : rows[i].Metric.Role == role).ToArray();
            AdjustFamily(rows, members, what, result);
        }

        return [.. result];
    }

    private const string GuardrailNote = "guardrail: not adjusted for multiple testing, so that a correction cannot widen the interval and hide a regression";

    private void AdjustFamily(List<Pending> rows, int[] members, string what, MetricReadout[] result)
    {
        var m = members.Length;
        if (m == 0)
        {
            return;
        }

        var o = _options;
        var adjusted = MultipleTesting.Adjust(members.Select(i => rows[i].Partial.PValue).ToArray(), o.Correction);
        var bonferroniAlpha = MultipleTesting.BonferroniAlpha(o.Alpha, m);
        var note = o.Correction switch
        {
            _ when m == 1 => $"none: a single comparison in the {what}",
            Correction.None => $"none requested over {m} {what}; p-values and intervals are unadjusted",
            Correction.Bonferroni => $"bonferroni over {m} {what}: p × {m} and {100 * (1 - bonferroniAlpha):G6}% intervals (α/{m}) to control the family-wise error",
            Correction.Holm => $"holm over {m} {what}: step-down p-values control the family-wise error; intervals are unadjusted (Holm has no matching interval)",
            _ => $"benjamini-hochberg over {m} {what}: step-up p-values control the false discovery rate; intervals are unadjusted",
        };
        for (var k = 0; k < m; k++)
        {
            var i = members[k];
            var readout = rows[i].Partial;
            if (o.Correction == Correction.Bonferroni && m > 1)
            {
                var wide = rows[i].Recompute(bonferroniAlpha);
                readout = readout with
                {
                    Interval = wide.Interval,
                    RelativeInterval = wide.RelativeInterval,
                    Alpha = wide.Alpha,
                };
            }

            result[i] = readout with { AdjustedPValue = adjusted[k], Adjustment = note };
        }
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

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Readout: {Metrics} metrics, {Arms} treatment arms, SRM {Mismatch}")]
    private static partial void LogReadout(ILogger logger, int metrics, int arms, bool mismatch);
}
