using CohortKit.Errors;
using CohortKit.Experiments;
using CohortKit.Experiments.Effects;
using CohortKit.Experiments.Heterogeneity;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.Readout;
using CohortKit.Metrics;
using CohortKit.Segmentation.Heterogeneity;
using CohortKit.Segmentation.Recommendations;
using CohortKit.Statistics;

namespace CohortKit.Segmentation;

/// <summary>One dimension's codes (a column, or a cross of two), as the table reads them.</summary>
internal sealed record DimensionCodes(string Name, int[] Codes, string[] Categories);

/// <summary>Turns the cells of one (dimension, metric) into its report: groups (small values pooled), means and differences
/// from the overall, effects with Benjamini–Hochberg, heterogeneity, partial pooling, flags and recommendations. Every test
/// is Experiments'.</summary>
internal sealed class DimensionTable(SegmentationOptions options, MetricColumn metric, TestChoice test, int[]? arms, DimensionCodes dimension)
{
    private sealed record Group(string Value, int[] Codes, MetricSummary All, MetricSummary Control, MetricSummary Treatment, bool Pooled);

    public DimensionReport Build(MetricSummary[] cells, int totalRows)
    {
        var groups = Groups(cells);
        var overall = SegmentAccumulator.Merge(groups.Select(g => g.All));
        var differences = groups.Select(g => Difference(g, groups)).ToArray();
        var differenceP = Adjust(differences.Select(d => d?.PValue).ToArray());
        var effects = arms is null ? null : Effects(groups);
        var overallEffect = arms is null ? null : OverallEffect(groups);

        var rows = new List<SegmentRow>(groups.Count);
        var shortfalls = new List<MinimumLiftShortfall>();
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            var share = (double)g.All.Count / totalRows;
            var flags = g.Pooled ? SegmentAlerts.Pooled : SegmentAlerts.None;
            if (overall.Mean != 0 && Math.Abs(g.All.Mean / overall.Mean - 1) > options.Threshold && differenceP[i] < options.Alpha)
            {
                flags |= SegmentAlerts.Differs;
            }

            SegmentRecommendation recommendation;
            SegmentEffect? effect = null;
            if (effects is not null)
            {
                effect = effects[i];
                flags |= EffectFlags(effect);
                recommendation = SegmentRecommender.WithEffect(effect, g.All.Count, options.MinimumLift, flags);
                if (effect is not null && (flags & SegmentAlerts.BelowMinimumLift) != 0)
                {
                    shortfalls.Add(new(g.Value, SegmentRecommender.Lift(effect).Effect,
                        SegmentRecommender.Shortfall(effect, options.MinimumLift, (flags & SegmentAlerts.Underpowered) != 0)));
                }
            }
            else
            {
                recommendation = SegmentRecommender.WithoutEffect(g.All.Mean, overall.Mean, flags);
            }

            var scale = 1 - share;
            rows.Add(new SegmentRow
            {
                Value = g.Value,
                N = g.All.Count,
                Share = share,
                Mean = g.All.Mean,
                // A 0/1 metric's mean is a rate: Wilson's interval stays in [0, 1] where Student's t would not.
                MeanInterval = test == TestChoice.Proportion && g.All.Count >= 1 ? WilsonInterval.Compute(Successes(g.All), g.All.Count, options.Alpha)
                    : g.All.Count >= 2 ? MeanInterval.Compute(g.All, options.Alpha) : null,
                DifferenceFromOverall = g.All.Mean - overall.Mean,
                DifferenceInterval = differences[i] is { } d ? new ConfidenceInterval(scale * d.Interval.Low, scale * d.Interval.High, d.Interval.Level) : null,
                DifferenceAdjustedPValue = differenceP[i],
                Effect = effect,
                Flags = flags,
                Recommendation = recommendation,
            });
        }

        return new DimensionReport
        {
            Dimension = dimension.Name,
            Metric = metric.Name,
            OverallMean = overall.Mean,
            OverallEffect = overallEffect,
            Heterogeneity = effects is null ? null : Heterogeneity(effects, out _),
            Segments = rows,
            BelowMinimumLift = shortfalls,
        };
    }

    private SegmentAlerts EffectFlags(SegmentEffect? effect)
    {
        if (effect is null)
        {
            return SegmentAlerts.Underpowered;
        }

        var flags = SegmentAlerts.None;
        if (effect.AdjustedPValue < options.Alpha && effect.Result.AbsoluteEffect < 0) { flags |= SegmentAlerts.Regression; }
        if (SegmentRecommender.Lift(effect).Effect < options.MinimumLift) { flags |= SegmentAlerts.BelowMinimumLift; }
        if (effect.MinimumDetectableRelativeEffect is { } mde && mde > options.MinimumLift) { flags |= SegmentAlerts.Underpowered; }
        return flags;
    }

    /// <summary>Values with at least the minimum size, largest first; the rest pooled into one last group; empty values dropped.</summary>
    private List<Group> Groups(MetricSummary[] cells)
    {
        var armCount = arms is null ? 1 : 2;
        var byCode = Enumerable.Range(0, dimension.Categories.Length)
            .Select(c => (Code: c, Control: cells[c * armCount], Treatment: armCount == 2 ? cells[c * armCount + 1] : MetricSummary.Empty))
            .Select(x => (x.Code, x.Control, x.Treatment, All: x.Control.Merge(x.Treatment)))
            .Where(x => x.All.Count > 0)
            .OrderByDescending(x => x.All.Count).ThenBy(x => dimension.Categories[x.Code], StringComparer.Ordinal)
            .ToList();
        if (byCode.Count == 0)
        {
            throw new ArgumentException($"Dimension '{dimension.Name}' has no learners; a segment table needs at least two values.", SegmentAnalyzer.DataParameter);
        }

        if (byCode.Count < 2)
        {
            throw new ArgumentException($"Dimension '{dimension.Name}' has a single value ('{dimension.Categories[byCode[0].Code]}'); a segment table needs at least two.", SegmentAnalyzer.DataParameter);
        }

        var kept = byCode.Where(x => x.All.Count >= options.MinimumSegmentSize).ToList();
        if (kept.Count == 0)
        {
            throw new ArgumentException($"Every value of dimension '{dimension.Name}' has fewer than {options.MinimumSegmentSize} learners (the largest has {byCode[0].All.Count}); lower the minimum segment size or choose another dimension.", SegmentAnalyzer.DataParameter);
        }

        var groups = kept.Select(x => new Group(dimension.Categories[x.Code], [x.Code], x.All, x.Control, x.Treatment, false)).ToList();
        var small = byCode.Where(x => x.All.Count < options.MinimumSegmentSize).ToList();
        if (small.Count > 0)
        {
            groups.Add(new Group(SegmentAnalyzer.OtherValue, [.. small.Select(x => x.Code)], SegmentAccumulator.Merge(small.Select(x => x.All)),
                SegmentAccumulator.Merge(small.Select(x => x.Control)), SegmentAccumulator.Merge(small.Select(x => x.Treatment)), true));
        }

        return groups;
    }

    /// <summary>The segment against the rest of the learners (the other groups merged), with the metric's test; null when the
    /// test is undefined.</summary>
    private TwoSampleResult? Difference(Group g, List<Group> groups)
    {
        var rest = SegmentAccumulator.Merge(groups.Where(o => !ReferenceEquals(o, g)).Select(o => o.All));
        if (rest.Count < 2 || g.All.Count < 2)
        {
            return null;
        }

        try
        {
            return test == TestChoice.Proportion
                ? TwoProportionZTest.Compute(Successes(rest), rest.Count, Successes(g.All), g.All.Count, options.Alpha)
                : WelchTTest.Compute(rest, g.All, options.Alpha);
        }
        catch (ArgumentException)
        {
            return null; // no variation on either side: there is nothing to test, and the row says so with null rather than NaN
        }
    }

    private static long Successes(MetricSummary s) => (long)Math.Round(s.Sum);

    private static double?[] Adjust(double?[] pValues)
    {
        var present = pValues.Select((p, i) => (p, i)).Where(x => x.p is not null).ToArray();
        var adjusted = MultipleTesting.Adjust(present.Select(x => x.p!.Value).ToArray(), Correction.BenjaminiHochberg);
        var result = new double?[pValues.Length];
        for (var k = 0; k < present.Length; k++) { result[present[k].i] = adjusted[k]; }
        return result;
    }

    private TwoSampleResult OverallEffect(List<Group> groups)
    {
        var control = SegmentAccumulator.Merge(groups.Select(g => g.Control));
        var treatment = SegmentAccumulator.Merge(groups.Select(g => g.Treatment));
        try
        {
            return Effect(control, treatment, [.. groups.SelectMany(g => g.Codes)]);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"Metric '{metric.Name}' over all learners: {ex.WithoutParameterName()}", SegmentAnalyzer.DataParameter, ex);
        }
    }

    private TwoSampleResult Effect(MetricSummary control, MetricSummary treatment, int[] codes) => test switch
    {
        TestChoice.Proportion => TwoProportionZTest.Compute(Successes(control), control.Count, Successes(treatment), treatment.Count, options.Alpha),
        TestChoice.MannWhitney => MannWhitney(codes),
        _ => WelchTTest.Compute(control, treatment, options.Alpha),
    };

    /// <summary>Mann–Whitney needs the values themselves: gathered per group only when it is the metric's test.</summary>
    private TwoSampleResult MannWhitney(int[] codes)
    {
        var inGroup = new HashSet<int>(codes);
        var values = metric.Values.Span;
        List<double> control = [], treatment = [];
        for (var i = 0; i < values.Length; i++)
        {
            if (inGroup.Contains(dimension.Codes[i])) { (arms![i] == 0 ? control : treatment).Add(values[i]); }
        }

        return MannWhitneyUTest.Compute(control.ToArray(), treatment.ToArray(), options.Alpha);
    }

    private SegmentEffect?[] Effects(List<Group> groups)
    {
        var raw = new TwoSampleResult?[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            try
            {
                raw[i] = Effect(groups[i].Control, groups[i].Treatment, groups[i].Codes);
            }
            catch (ArgumentException)
            {
                raw[i] = null; // an arm with fewer than 2 learners or no variation: no effect, flagged underpowered
            }
        }

        var adjusted = Adjust(raw.Select(r => r?.PValue).ToArray());
        var partial = raw.Select((r, i) => r is null ? null : new SegmentEffect
        {
            Result = r,
            AdjustedPValue = adjusted[i]!.Value,
            ShrunkEffect = null,
            MinimumDetectableRelativeEffect = MinimumDetectable(groups[i].Control, groups[i].Treatment),
        }).ToArray();
        if (Heterogeneity(partial, out var shrunk) is not null)
        {
            for (var i = 0; i < partial.Length; i++)
            {
                if (partial[i] is { } e && shrunk.TryGetValue(i, out var s)) { partial[i] = e with { ShrunkEffect = s }; }
            }
        }

        return partial;
    }

    /// <summary>Q, I², τ² over the segments with an effect and a positive standard error, and their shrunk effects by index.</summary>
    private static HeterogeneityResult? Heterogeneity(SegmentEffect?[] effects, out Dictionary<int, double> shrunk)
    {
        shrunk = [];
        var usable = effects.Select((e, i) => (e, i)).Where(x => x.e is { Result.StandardError: > 0 }).ToArray();
        if (usable.Length < 2)
        {
            return null;
        }

        var y = usable.Select(x => x.e!.Result.AbsoluteEffect).ToArray();
        var v = usable.Select(x => x.e!.Result.StandardError * x.e.Result.StandardError).ToArray();
        var h = EffectHeterogeneity.Compute(y, v);
        var s = PartialPooling.Shrink(y, v, h);
        for (var k = 0; k < usable.Length; k++) { shrunk[usable[k].i] = s[k]; }
        return h;
    }

    /// <summary>The smallest relative effect the segment's arms detect at the configured power, through Experiments' power analysis:
    /// Cohen's h for a rate; for a mean the normal-approximation MDE (statsmodels <c>NormalIndPower</c>) times the pooled standard
    /// deviation. The z approximation is within 1 % of the t-test's MDE from 50 learners per arm (2.6 % at 20; statsmodels), and the noncentral-t search
    /// would cost about 10 ms per segment.</summary>
    private double? MinimumDetectable(MetricSummary control, MetricSummary treatment)
    {
        try
        {
            var ratio = (double)treatment.Count / control.Count;
            if (test == TestChoice.Proportion)
            {
                var rate = control.Mean;
                return rate is > 0 and < 1 && PowerAnalysis.RateMinimumDetectableChange(rate, control.Count, options.Alpha, options.Power, ratio).Increase is { } up
                    ? up / rate
                    : null;
            }

            if (control.Mean == 0)
            {
                return null;
            }

            var pooledSd = Math.Sqrt((control.SumOfSquaredDeviations + treatment.SumOfSquaredDeviations) / (control.Count + treatment.Count - 2));
            return PowerAnalysis.NormalMinimumDetectableEffect(control.Count, options.Alpha, options.Power, ratio) * pooledSd / Math.Abs(control.Mean);
        }
        catch (ArgumentException)
        {
            return null; // too few learners for any effect to reach the power
        }
    }
}
