using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Experiments;
using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.Readout;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Experiments;

/// <summary><c>cohortkit experiment ab|aa|drift|power</c>.</summary>
internal static class ExperimentCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static Command Create(CliConsole console)
    {
        var command = new Command("experiment", "A/B readouts, A/A validation, measurement drift and power analysis on one-row-per-learner CSV files.");
        command.Subcommands.Add(Ab(console));
        command.Subcommands.Add(Aa(console));
        command.Subcommands.Add(Drift(console));
        command.Subcommands.Add(PowerCommand(console));
        return command;
    }



    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Command Ab(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per learner.", Required = true };
        var group = new Option<string>("--group") { Description = "The arm column.", Required = true };
        var control = new Option<string>("--control") { Description = "The control arm's value in the arm column.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Metric column(s), comma-separated.", Required = true };
        var secondary = new Option<string?>("--secondary") { Description = "Secondary metric column(s), comma-separated." };
        var guardrail = new Option<string?>("--guardrail") { Description = "Guardrail metric column(s), comma-separated: must not regress overall or in any segment." };
        var covariate = new Option<string?>("--covariate") { Description = "Pre-period covariate column for CUPED (applied to every metric)." };
        var cluster = new Option<string?>("--cluster") { Description = "Cluster column (cohort, class) when clusters were randomised: cluster-robust errors." };
        var segment = new Option<string?>("--segment") { Description = "Segment column for the per-segment breakdown." };
        var test = new Option<string>("--test") { Description = "auto, welch, proportion or mannwhitney.", DefaultValueFactory = _ => "auto" };
        test.AcceptOnlyFromAmong("auto", "welch", "proportion", "mannwhitney");
        var correction = new Option<string>("--correction") { Description = "none, bonferroni, holm or bh.", DefaultValueFactory = _ => "none" };
        correction.AcceptOnlyFromAmong("none", "bonferroni", "holm", "bh");
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the readout as Markdown to this file." };
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("ab", "Read out an A/B (or multi-arm) test: SRM gate, effects with intervals, corrections, segments, guardrails.")
        {
            input, group, control, metric, secondary, guardrail, covariate, cluster, segment, test, alpha, correction, markdown, json,
        };
        command.SetAction(parse =>
        {
            var table = CsvTable.Load(parse.GetValue(input)!.FullName);
            var covariateName = parse.GetValue(covariate);
            var cov = covariateName is null ? null : new MetricColumn(covariateName, table.Numeric(covariateName));
            var metrics = List(parse.GetValue(metric)!).Select(m => new ExperimentMetric(new MetricColumn(m, table.Numeric(m)), MetricRole.Primary, true, cov)).ToList();
            foreach (var m in List(parse.GetValue(secondary) ?? ""))
            {
                metrics.Add(new ExperimentMetric(new MetricColumn(m, table.Numeric(m)), MetricRole.Secondary, true, cov));
            }

            foreach (var g in List(parse.GetValue(guardrail) ?? ""))
            {
                metrics.Add(new ExperimentMetric(new MetricColumn(g, table.Numeric(g)), MetricRole.Guardrail, true, cov));
            }

            var clusterName = parse.GetValue(cluster);
            var segmentName = parse.GetValue(segment);
            var data = new ExperimentData(table.Categorical(parse.GetValue(group)!), parse.GetValue(control)!, metrics)
            {
                Clusters = clusterName is null ? null : ClusterIds(table, clusterName),
                Segment = segmentName is null ? null : table.Categorical(segmentName),
            };
            var options = new ReadoutOptions
            {
                Alpha = parse.GetValue(alpha),
                Test = parse.GetValue(test) switch { "welch" => TestChoice.Welch, "proportion" => TestChoice.Proportion, "mannwhitney" => TestChoice.MannWhitney, _ => TestChoice.Auto },
                Correction = parse.GetValue(correction) switch { "bonferroni" => Correction.Bonferroni, "holm" => Correction.Holm, "bh" => Correction.BenjaminiHochberg, _ => Correction.None },
            };
            var readout = new ExperimentAnalyzer(options).Analyze(data);
            if (parse.GetValue(markdown) is { } md)
            {
                File.WriteAllText(md.FullName, readout.ToMarkdown());
            }

            if (parse.GetValue(json))
            {
                console.Out.WriteLine(readout.ToJson());
                return 0;
            }

            var srm = readout.Srm;
            console.Ansi.MarkupLine(readout.Trustworthy
                ? $"[green]SRM ok[/] (χ² = {srm.ChiSquare.ToString("G4", C)}, p = {srm.PValue.ToString("G3", C)}, arms {string.Join(" / ", srm.Observed)})"
                : $"[red]Sample ratio mismatch[/] (p = {srm.PValue.ToString("G3", C)} < {srm.Threshold.ToString(C)}): the readout is untrustworthy");
            console.Ansi.Write(ReadoutTable(readout.Metrics, "Overall"));
            if (readout.Segments.Count > 0) { console.Ansi.Write(ReadoutTable(readout.Segments, "By segment")); }
            console.Ansi.MarkupLine(readout.NoGuardrailRegression ? "[green]No guardrail regression.[/]" : "[red]A guardrail regressed.[/]");
            console.Ansi.MarkupLine($"[grey]{Markup.Escape(readout.Metrics[0].Adjustment)}[/]");
            return 0;
        });
        return command;
    }

    private static long[] ClusterIds(CsvTable table, string column)
    {
        var c = table.Categorical(column);
        return c.Codes.ToArray().Select(x => (long)x).ToArray();
    }

    private static Table ReadoutTable(IReadOnlyList<MetricReadout> rows, string title)
    {
        var t = new Table().Title(title).AddColumns("metric", "segment", "arm", "test", "control", "treatment", "effect [[CI]]", "relative [[CI]]", "p", "adj. p");
        foreach (var r in rows)
        {
            var rel = r.RelativeEffect is { } e ? $"{e.ToString("P2", C)} [{r.RelativeCiLow!.Value.ToString("P2", C)}, {r.RelativeCiHigh!.Value.ToString("P2", C)}]" : "—";
            t.AddRow(Markup.Escape((r.Regression ? "⚠ " : "") + r.Metric), Markup.Escape(r.Segment ?? "all"), Markup.Escape(r.Arm), r.Test,
                r.ControlMean.ToString("G5", C), r.TreatmentMean.ToString("G5", C),
                Markup.Escape($"{r.AbsoluteEffect.ToString("G4", C)} [{r.CiLow.ToString("G4", C)}, {r.CiHigh.ToString("G4", C)}]"), Markup.Escape(rel),
                r.PValue.ToString("G3", C), r.AdjustedPValue.ToString("G3", C));
        }

        return t;
    }

    private static Command Aa(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per learner.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Metric column(s), comma-separated.", Required = true };
        var segment = new Option<string?>("--segment") { Description = "Segment column for per-segment results." };
        var iterations = new Option<int>("--iterations") { Description = "Re-randomisations.", DefaultValueFactory = _ => 1_000 };
        var split = new Option<double>("--split") { Description = "Share of units in the second arm.", DefaultValueFactory = _ => 0.5 };
        var seed = CommonOptions.Seed();
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("aa", "Re-randomise the population many times: false-positive rate, p-value uniformity and MDE per metric and segment.")
        {
            input, metric, segment, iterations, split, alpha, seed, json,
        };
        command.SetAction(parse =>
        {
            var table = CsvTable.Load(parse.GetValue(input)!.FullName);
            var metrics = List(parse.GetValue(metric)!).Select(m => new MetricColumn(m, table.Numeric(m))).ToList();
            var segmentName = parse.GetValue(segment);
            var validator = new AaTestValidator(new AaValidationOptions
            {
                Iterations = parse.GetValue(iterations),
                Split = parse.GetValue(split),
                Alpha = parse.GetValue(alpha),
                Seed = parse.GetValue(seed),
            });
            var report = validator.Rerandomize(metrics, segmentName is null ? null : table.Categorical(segmentName));
            if (parse.GetValue(json))
            {
                console.WriteJson(new { metrics = report.Metrics, segments = report.Segments });
                return 0;
            }

            var t = new Table().AddColumns("metric", "segment", "units", "iterations", "false-positive rate [[95% CI]]", "KS p", "MDE (relative)", "calibrated");
            foreach (var r in report.Metrics.Concat(report.Segments))
            {
                t.AddRow(Markup.Escape(r.Metric), Markup.Escape(r.Segment ?? "all"), r.Units.ToString(C), r.Iterations.ToString(C),
                    Markup.Escape($"{r.FalsePositiveRate.ToString("P2", C)} [{r.FalsePositiveRateCiLow.ToString("P2", C)}, {r.FalsePositiveRateCiHigh.ToString("P2", C)}]"),
                    r.KsPValue.ToString("G3", C), r.MinimumDetectableRelativeEffect?.ToString("P2", C) ?? "—", r.IsCalibrated ? "[green]yes[/]" : "[red]no[/]");
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }

    private static Command Drift(CliConsole console)
    {
        var before = new Option<FileInfo>("--before") { Description = "CSV of the earlier period (one row per unit).", Required = true };
        var after = new Option<FileInfo>("--after") { Description = "CSV of the later period.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Metric column(s), comma-separated.", Required = true };
        var segment = new Option<string?>("--segment") { Description = "Segment column." };
        var threshold = new Option<double>("--threshold") { Description = "Relative change flagged when significant.", DefaultValueFactory = _ => MeasurementDrift.DefaultThreshold };
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("drift", "Measurement drift between two periods: relative change with CI, flag, and population stability index.")
        {
            before, after, metric, segment, threshold, alpha, json,
        };
        command.SetAction(parse =>
        {
            var b = CsvTable.Load(parse.GetValue(before)!.FullName);
            var a = CsvTable.Load(parse.GetValue(after)!.FullName);
            var names = List(parse.GetValue(metric)!);
            var segmentName = parse.GetValue(segment);
            var results = MeasurementDrift.Compare(
                names.Select(n => new MetricColumn(n, b.Numeric(n))).ToList(),
                names.Select(n => new MetricColumn(n, a.Numeric(n))).ToList(),
                segmentName is null ? null : b.Categorical(segmentName),
                segmentName is null ? null : a.Categorical(segmentName),
                parse.GetValue(threshold), parse.GetValue(alpha));
            if (parse.GetValue(json))
            {
                console.WriteJson(new { metrics = results.Where(r => r.Segment is null), segments = results.Where(r => r.Segment is not null) });
                return 0;
            }

            var t = new Table().AddColumns("metric", "segment", "before", "after", "relative change [[CI]]", "p", "PSI", "flag");
            foreach (var r in results)
            {
                var rel = r.RelativeChange is { } e ? $"{e.ToString("P3", C)} [{r.RelativeCiLow!.Value.ToString("P3", C)}, {r.RelativeCiHigh!.Value.ToString("P3", C)}]" : "—";
                t.AddRow(Markup.Escape(r.Metric), Markup.Escape(r.Segment ?? "all"), r.BeforeMean.ToString("G5", C), r.AfterMean.ToString("G5", C), Markup.Escape(rel),
                    r.PValue.ToString("G3", C), r.PopulationStabilityIndex.ToString("G3", C), r.Flagged ? "[red]drift[/]" : "[green]ok[/]");
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }

    private static Command PowerCommand(CliConsole console)
    {
        var mean = new Option<double?>("--baseline-mean") { Description = "Baseline mean of a continuous metric (with --baseline-sd)." };
        var sd = new Option<double?>("--baseline-sd") { Description = "Baseline standard deviation." };
        var rate = new Option<double?>("--baseline-rate") { Description = "Baseline rate of a 0/1 metric." };
        var n = new Option<double?>("--n") { Description = "Units in the control arm (treatment = n × ratio): reports the minimum detectable effect." };
        var effect = new Option<double?>("--effect") { Description = "Relative change to detect (0.02 = 2%): reports the units needed; with --n, whether it is detectable." };
        var alpha = CommonOptions.Alpha();
        var power = new Option<double>("--power") { Description = "Target power.", DefaultValueFactory = _ => 0.8 };
        var ratio = new Option<double>("--ratio") { Description = "Treatment units per control unit.", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json();
        var command = new Command("power", "Minimum detectable effect for a sample size, or sample size for an effect (two-sided t-test or proportion z-test).")
        {
            mean, sd, rate, n, effect, alpha, power, ratio, json,
        };
        command.SetAction(parse =>
        {
            var result = PowerPlan.Compute(parse.GetValue(mean), parse.GetValue(sd), parse.GetValue(rate), parse.GetValue(n), parse.GetValue(effect),
                parse.GetValue(alpha), parse.GetValue(power), parse.GetValue(ratio));
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
                return 0;
            }

            var t = new Table().AddColumns("", "");
            foreach (var (k, v) in result.Rows())
            {
                t.AddRow(Markup.Escape(k), Markup.Escape(v));
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }
}

/// <summary>The answer of <c>cohortkit experiment power</c>.</summary>
internal sealed record PowerPlan(string Kind, double? BaselineMean, double? BaselineSd, double? BaselineRate, double Alpha, double Power, double Ratio,
    double? ControlN, double? Effect, double? MinimumDetectableEffect, double? MinimumDetectableRelativeEffect,
    double? MinimumDetectableIncrease, double? MinimumDetectableDecrease,
    double? RequiredControlN, double? RequiredTreatmentN, double? RequiredTotalN, double? PowerAtEffect, bool? Detectable)
{
    public static PowerPlan Compute(double? mean, double? sd, double? rate, double? n, double? effect, double alpha, double power, double ratio)
    {
        var isRate = rate is not null;
        if (isRate == (mean is not null || sd is not null))
        {
            throw new ArgumentException("Give either --baseline-mean with --baseline-sd, or --baseline-rate.", nameof(rate));
        }

        if (!isRate && (mean is null || sd is null))
        {
            throw new ArgumentException("--baseline-mean needs --baseline-sd (and vice versa).", nameof(sd));
        }

        if (n is null && effect is null)
        {
            throw new ArgumentException("Give --n (to get the minimum detectable effect) or --effect (to get the sample size), or both.", nameof(n));
        }

        if (!isRate && !(sd > 0)) { throw new ArgumentException($"--baseline-sd must be positive (got {sd})."); }
        if (!isRate && mean == 0 && effect is not null) { throw new ArgumentException($"A relative effect needs a non-zero baseline mean (got {mean})."); }
        if (isRate && !(rate is > 0 and < 1)) { throw new ArgumentException($"--baseline-rate must be in (0, 1) (got {rate})."); }
        if (n is { } nn && !(nn > 1)) { throw new ArgumentException($"--n must exceed 1 (got {n})."); }
        if (effect is { } ee && (ee == 0 || !double.IsFinite(ee))) { throw new ArgumentException($"--effect must be a non-zero relative change (got {effect})."); }

        double? mde = null, mdeRel = null, reqC = null, powerAt = null, up = null, down = null;
        if (n is { } units)
        {
            if (isRate)
            {
                // Near 0 or 1 only one direction may be detectable: report each, null where out of reach.
                var change = PowerAnalysis.RateMinimumDetectableChange(rate!.Value, units, alpha, power, ratio);
                (up, down) = (change.Increase, change.Decrease);
                mde = up;
                mdeRel = up / rate.Value;
            }
            else
            {
                var d = PowerAnalysis.TTestMinimumDetectableEffect(units, alpha, power, ratio);
                mde = d * sd!.Value;
                (up, down) = (mde, mde);
                mdeRel = mean == 0 ? null : mde / Math.Abs(mean!.Value);
            }
        }

        if (effect is { } e)
        {
            if (isRate)
            {
                var target = rate!.Value * (1 + e);
                if (!(target is > 0 and < 1)) { throw new ArgumentException($"The target rate {target} is outside (0, 1) (got {effect})."); }
                var h = PowerAnalysis.CohensH(rate.Value, target);
                reqC = PowerAnalysis.NormalSampleSize(h, alpha, power, ratio);
                if (n is { } units2) { powerAt = PowerAnalysis.NormalPower(h, units2, alpha, ratio); }
            }
            else
            {
                var d = e * mean!.Value / sd!.Value;
                reqC = PowerAnalysis.TTestSampleSize(d, alpha, power, ratio);
                if (n is { } units2) { powerAt = PowerAnalysis.TTestPower(d, units2, alpha, ratio); }
            }
        }

        return new PowerPlan(isRate ? "rate" : "mean", mean, sd, rate, alpha, power, ratio, n, effect, mde, mdeRel, up, down,
            reqC is null ? null : Math.Ceiling(reqC.Value), reqC is null ? null : Math.Ceiling(reqC.Value * ratio),
            reqC is null ? null : Math.Ceiling(reqC.Value) + Math.Ceiling(reqC.Value * ratio), powerAt, powerAt is null ? null : powerAt >= power);
    }

    public IEnumerable<(string, string)> Rows()
    {
        var c = CultureInfo.InvariantCulture;
        yield return ("metric", Kind == "rate" ? $"rate, baseline {BaselineRate!.Value.ToString("G4", c)}" : $"mean {BaselineMean!.Value.ToString("G4", c)}, sd {BaselineSd!.Value.ToString("G4", c)}");
        yield return ("alpha / power / ratio", $"{Alpha.ToString(c)} / {Power.ToString(c)} / {Ratio.ToString(c)}");
        if (ControlN is { } units)
        {
            yield return ("minimum detectable increase", MinimumDetectableIncrease is { } up
                ? $"+{up.ToString("G4", c)} with {units.ToString("N0", c)} control units"
                : $"none: no increase reaches {Power.ToString(c)} power with {units.ToString("N0", c)} control units");
            yield return ("minimum detectable decrease", MinimumDetectableDecrease is { } down
                ? $"−{down.ToString("G4", c)} with {units.ToString("N0", c)} control units"
                : $"none: no decrease reaches {Power.ToString(c)} power with {units.ToString("N0", c)} control units");
        }
        if (RequiredControlN is { } r) { yield return ("units needed", $"{r.ToString("N0", c)} control + {RequiredTreatmentN!.Value.ToString("N0", c)} treatment = {RequiredTotalN!.Value.ToString("N0", c)} for a {Effect!.Value.ToString("P2", c)} change"); }
        if (PowerAtEffect is { } p) { yield return ("power at that effect", $"{p.ToString("P1", c)}: {(Detectable == true ? "detectable" : "not detectable")}"); }
    }
}
