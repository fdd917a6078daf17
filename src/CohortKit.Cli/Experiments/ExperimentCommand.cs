using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Experiments;
using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Drift;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.Readout;
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



    /// <summary>Exit code of <c>ab</c> when the sample-ratio-mismatch gate fails (documented in docs/cli.md).</summary>
    public const int SrmMismatch = 3;

    private static Command Ab(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per learner.", Required = true };
        var group = new Option<string>("--group") { Description = "The arm column.", Required = true };
        var control = new Option<string>("--control") { Description = "The control arm's value in the arm column.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Primary metric column(s), comma-separated: one multiple-testing family with the arms.", Required = true };
        var secondary = new Option<string?>("--secondary") { Description = "Secondary metric column(s), comma-separated: a family of their own." };
        var guardrail = new Option<string?>("--guardrail") { Description = "Guardrail column(s), comma-separated, each as name or name:decrease (lower is better, so a rise is the regression); never adjusted for multiple testing." };
        var covariate = new Option<string?>("--covariate") { Description = "Pre-period covariate column for CUPED (applied to every metric; not with --cluster)." };
        var cluster = new Option<string?>("--cluster") { Description = "Cluster column (cohort, class) when clusters were randomised: cluster-robust errors (not with --covariate)." };
        var segment = new Option<string?>("--segment") { Description = "Segment column for the per-segment breakdown." };
        var test = new Option<string>("--test") { Description = "auto, welch, proportion or mannwhitney (auto decides once per metric: the z-test for 0/1 metrics, Welch otherwise).", DefaultValueFactory = _ => "auto" };
        test.AcceptOnlyFromAmong("auto", "welch", "proportion", "mannwhitney");
        var correction = new Option<string>("--correction") { Description = "none, bonferroni, holm or bh, applied within each family.", DefaultValueFactory = _ => "none" };
        correction.AcceptOnlyFromAmong("none", "bonferroni", "holm", "bh");
        var expectedRatios = new Option<string?>("--expected-ratios") { Description = "The designed split, e.g. 90,10, in the arms' order of first appearance in the file; equal when omitted." };
        var allowSrm = new Option<bool>("--allow-srm") { Description = "Show effects even when the SRM gate fails (under the warning; the exit code stays 3)." };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the readout as Markdown to this file." };
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("ab", "Read out an A/B (or multi-arm) test: SRM gate (exit 3 on mismatch), effects with intervals, corrections per family, segments, guardrails.")
        {
            input, group, control, metric, secondary, guardrail, covariate, cluster, segment, test, alpha, correction, expectedRatios, allowSrm, markdown, json,
        };
        command.SetAction(parse =>
        {
            var table = ExperimentInput.Load(parse.GetValue(input)!, "--input");
            var covariateName = parse.GetValue(covariate);
            var clusterName = parse.GetValue(cluster);
            if (covariateName is not null && clusterName is not null)
            {
                throw new ArgumentException("--covariate and --cluster cannot be combined: CUPED with cluster-robust errors is not implemented. Drop one of them.");
            }

            var primary = ExperimentInput.List(parse.GetValue(metric));
            var secondaries = ExperimentInput.List(parse.GetValue(secondary));
            var guardrails = ExperimentInput.List(parse.GetValue(guardrail)).Select(Guardrail).ToList();
            ExperimentInput.RequireDistinct(primary.Select(m => (m, "--metric"))
                .Concat(secondaries.Select(m => (m, "--secondary")))
                .Concat(guardrails.Select(g => (g.Name, "--guardrail"))));
            var cov = covariateName is null ? null : ExperimentInput.Metric(table, covariateName, "--covariate");
            var metrics = primary.Select(m => new ExperimentMetric(ExperimentInput.Metric(table, m, "--metric"), MetricRole.Primary, true, cov)).ToList();
            metrics.AddRange(secondaries.Select(m => new ExperimentMetric(ExperimentInput.Metric(table, m, "--secondary"), MetricRole.Secondary, true, cov)));
            metrics.AddRange(guardrails.Select(g => new ExperimentMetric(ExperimentInput.Metric(table, g.Name, "--guardrail"), MetricRole.Guardrail, g.HigherIsBetter, cov)));

            var segmentName = parse.GetValue(segment);
            var arms = ExperimentInput.Categorical(table, parse.GetValue(group)!, "--group");
            var data = new ExperimentData(arms, parse.GetValue(control)!, metrics)
            {
                Clusters = clusterName is null ? null : ClusterIds(ExperimentInput.Categorical(table, clusterName, "--cluster")),
                Segment = segmentName is null ? null : ExperimentInput.Categorical(table, segmentName, "--segment"),
                ExpectedSplit = parse.GetValue(expectedRatios) is { } ratios ? ExpectedSplit(ratios, arms) : null,
            };
            var options = new ReadoutOptions
            {
                Alpha = parse.GetValue(alpha),
                Test = parse.GetValue(test) switch { "welch" => TestChoice.Welch, "proportion" => TestChoice.Proportion, "mannwhitney" => TestChoice.MannWhitney, _ => TestChoice.Auto },
                Correction = parse.GetValue(correction) switch { "bonferroni" => Correction.Bonferroni, "holm" => Correction.Holm, "bh" => Correction.BenjaminiHochberg, _ => Correction.None },
            };
            var readout = new ExperimentAnalyzer(options).Analyze(data);
            var showEffects = readout.Trustworthy || parse.GetValue(allowSrm);
            var report = AbReport.From(readout, arms.Categories, showEffects);
            var exitCode = readout.Trustworthy ? 0 : SrmMismatch;
            if (parse.GetValue(markdown) is { } md)
            {
                File.WriteAllText(md.FullName, ReadoutMarkdown.Render(report));
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return exitCode;
            }

            var srmLine = Markup.Escape(ReadoutMarkdown.SrmEvidence(report.Srm));
            console.Ansi.MarkupLine(readout.Trustworthy ? $"[green]SRM ok[/]: {srmLine}" : $"[red]Sample ratio mismatch[/]: {srmLine}");
            if (!showEffects)
            {
                console.Ansi.MarkupLine("Effects withheld. Find the cause of the broken split, give --expected-ratios if it was designed unequal, or rerun with --allow-srm to see them under this warning.");
                return exitCode;
            }

            console.Ansi.Write(ReadoutTable(report.Metrics, "Overall"));
            if (report.Segments.Count > 0) { console.Ansi.Write(ReadoutTable(report.Segments, "By segment")); }
            foreach (var skipped in report.SkippedSegments)
            {
                console.Ansi.MarkupLine($"[yellow]{Markup.Escape(skipped.Sentence())}[/]");
            }

            if (report.NoGuardrailRegression is { } ok)
            {
                console.Ansi.MarkupLine(ok ? "[green]No guardrail regression.[/]" : "[red]A guardrail regressed.[/]");
            }

            foreach (var note in report.Notes)
            {
                console.Ansi.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
            }

            return exitCode;
        });
        return command;
    }

    /// <summary>Parses <c>name</c> or <c>name:decrease</c> / <c>name:increase</c> (the good direction).</summary>
    private static (string Name, bool HigherIsBetter) Guardrail(string spec)
    {
        var parts = spec.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 1)
        {
            return (parts[0], true);
        }

        return parts[1].ToLowerInvariant() switch
        {
            "increase" => (parts[0], true),
            "decrease" => (parts[0], false),
            _ => throw new ArgumentException($"--guardrail: '{spec}' has direction '{parts[1]}'; use name:increase (higher is better, the default) or name:decrease (lower is better)."),
        };
    }

    private static double[] ExpectedSplit(string value, CohortKit.Learners.CategoricalColumn arms)
    {
        var ratios = ExperimentInput.Numbers(value, "--expected-ratios");
        if (ratios.Length != arms.Categories.Count)
        {
            throw new ArgumentException($"--expected-ratios has {ratios.Length} values for {arms.Categories.Count} arms ({string.Join(", ", arms.Categories)}, in order of first appearance).");
        }

        return ratios;
    }

    private static long[] ClusterIds(CohortKit.Learners.CategoricalColumn c) => c.Codes.ToArray().Select(x => (long)x).ToArray();

    private static Table ReadoutTable(IReadOnlyList<ReadoutRow> rows, string title)
    {
        var t = new Table().Title(title).AddColumns("metric", "segment", "arm", "test", "control", "treatment", "CI level", "effect [[CI]]", "relative [[CI]]", "p", "adj. p");
        foreach (var r in rows)
        {
            t.AddRow(Markup.Escape((r.Regression ? "⚠ " : "") + r.Metric), Markup.Escape(r.Segment ?? "all"), Markup.Escape(r.Arm), r.Test,
                r.ControlMean.ToString("G5", C), r.TreatmentMean.ToString("G5", C), ReadoutMarkdown.Level(r.CiLevel),
                Markup.Escape($"{r.AbsoluteEffect.ToString("G4", C)} [{r.CiLow.ToString("G4", C)}, {r.CiHigh.ToString("G4", C)}]"), Markup.Escape(ReadoutMarkdown.Relative(r)),
                r.PValue.ToString("G3", C), r.AdjustedPValue.ToString("G3", C));
        }

        return t;
    }

    private static Command Aa(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per learner.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Metric column(s), comma-separated.", Required = true };
        var segment = new Option<string?>("--segment") { Description = "Segment column for per-segment results (not with --cluster)." };
        var cluster = new Option<string?>("--cluster") { Description = "Cluster column (cohort, class): re-randomise whole clusters and report the naive and the cluster-robust analysis." };
        var iterations = new Option<int>("--iterations") { Description = $"Re-randomisations (1 to {AaValidationOptions.MaxIterations:N0}).", DefaultValueFactory = _ => 1_000 };
        var split = new Option<double>("--split") { Description = "Share of units in the second arm (resolution 1/65,536).", DefaultValueFactory = _ => 0.5 };
        var seed = CommonOptions.Seed();
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("aa", "Re-randomise the population many times: false-positive rate, p-value uniformity and MDE per metric and segment.")
        {
            input, metric, segment, cluster, iterations, split, alpha, seed, json,
        };
        command.SetAction(parse =>
        {
            var table = ExperimentInput.Load(parse.GetValue(input)!, "--input");
            var names = ExperimentInput.List(parse.GetValue(metric));
            ExperimentInput.RequireDistinct(names.Select(m => (m, "--metric")));
            var metrics = names.Select(m => ExperimentInput.Metric(table, m, "--metric")).ToList();
            var segmentName = parse.GetValue(segment);
            var clusterName = parse.GetValue(cluster);
            if (segmentName is not null && clusterName is not null)
            {
                throw new ArgumentException("--segment and --cluster cannot be combined: cluster re-randomisation reports the whole population only.");
            }

            var options = new AaValidationOptions { Iterations = parse.GetValue(iterations), Split = parse.GetValue(split), Alpha = parse.GetValue(alpha), Seed = parse.GetValue(seed) };
            if (!(options.Alpha < options.Power))
            {
                throw new ArgumentException($"--alpha ({options.Alpha.ToString(C)}) must be below {options.Power.ToString(C)}, the power at which aa reports the minimum detectable effect.");
            }

            var report = WithOptionNames(() =>
            {
                var validator = new AaTestValidator(options);
                return clusterName is null
                    ? validator.Rerandomize(metrics, segmentName is null ? null : ExperimentInput.Categorical(table, segmentName, "--segment"))
                    : validator.RerandomizeClusters(metrics, ClusterIds(ExperimentInput.Categorical(table, clusterName, "--cluster")));
            });
            if (parse.GetValue(json))
            {
                console.WriteJson(new AaReport(report.Metrics.Select(AaRow.From).ToList(), report.Segments.Select(AaRow.From).ToList()));
                return 0;
            }

            var t = new Table().AddColumns("metric", "segment", "analysis", "units", "iterations", "false-positive rate [[95% CI]]", "KS p", "MDE (relative)", "calibrated");
            foreach (var r in report.Metrics.Concat(report.Segments))
            {
                t.AddRow(Markup.Escape(r.Metric), Markup.Escape(r.Segment ?? "all"), AaRow.AnalysisName(r), r.Units.ToString(C), r.Iterations.ToString(C),
                    Markup.Escape($"{r.FalsePositiveRate.ToString("P2", C)} [{r.FalsePositiveRateInterval.Low.ToString("P2", C)}, {r.FalsePositiveRateInterval.High.ToString("P2", C)}]"),
                    r.KsPValue.ToString("G3", C), r.MinimumDetectableRelativeEffect?.ToString("P2", C) ?? "—", r.IsCalibrated ? "[green]yes[/]" : "[red]no[/]");
            }

            console.Ansi.Write(t);
            return 0;
        });
        return command;
    }

    /// <summary>Runs library code whose option checks name the options' properties or parameters, reporting them by the
    /// CLI's flags (<c>Iterations</c> → <c>--iterations</c>).</summary>
    private static T WithOptionNames<T>(Func<T> run) => OptionFlags.Rename(run, OptionName);

    private static string? OptionName(string parameter) => parameter.ToLowerInvariant() switch
    {
        "iterations" => "--iterations",
        "split" => "--split",
        "alpha" => "--alpha",
        "seed" => "--seed",
        "effectsize" => "--effect",
        "controln" => "--n",
        "power" => "--power",
        "ratio" => "--ratio",
        _ => null,
    };

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
            var b = ExperimentInput.Load(parse.GetValue(before)!, "--before");
            var a = ExperimentInput.Load(parse.GetValue(after)!, "--after");
            var names = ExperimentInput.List(parse.GetValue(metric));
            ExperimentInput.RequireDistinct(names.Select(m => (m, "--metric")));
            var segmentName = parse.GetValue(segment);
            var results = MeasurementDrift.Compare(
                names.Select(n => ExperimentInput.Metric(b, n, "--metric")).ToList(),
                names.Select(n => ExperimentInput.Metric(a, n, "--metric")).ToList(),
                segmentName is null ? null : ExperimentInput.Categorical(b, segmentName, "--segment"),
                segmentName is null ? null : ExperimentInput.Categorical(a, segmentName, "--segment"),
                parse.GetValue(threshold), parse.GetValue(alpha));
            if (parse.GetValue(json))
            {
                console.WriteJson(new DriftReport(results.Where(r => r.Segment is null).Select(DriftRow.From).ToList(), results.Where(r => r.Segment is not null).Select(DriftRow.From).ToList()));
                return 0;
            }

            var t = new Table().AddColumns("metric", "segment", "before", "after", "relative change [[CI]]", "p", "PSI", "flag");
            foreach (var r in results)
            {
                var rel = r.RelativeChange is { } e && r.RelativeInterval is { } ci ? $"{e.ToString("P3", C)} [{ci.Low.ToString("P3", C)}, {ci.High.ToString("P3", C)}]" : "—";
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
            var result = WithOptionNames(() => PowerPlan.Compute(parse.GetValue(mean), parse.GetValue(sd), parse.GetValue(rate), parse.GetValue(n), parse.GetValue(effect),
                parse.GetValue(alpha), parse.GetValue(power), parse.GetValue(ratio)));
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
        ExperimentInput.Finite(mean, "--baseline-mean");
        ExperimentInput.Finite(sd, "--baseline-sd");
        ExperimentInput.Finite(rate, "--baseline-rate");
        ExperimentInput.Finite(n, "--n");
        ExperimentInput.Finite(effect, "--effect");
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

        if (!(alpha > 0 && alpha < 1)) { throw new ArgumentException($"--alpha must be in (0, 1) (got {Invariant(alpha)})."); }
        if (!(power > alpha && power < 1)) { throw new ArgumentException($"--power must be in (--alpha = {Invariant(alpha)}, 1) (got {Invariant(power)})."); }
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
                mde = PowerAnalysis.MeanMinimumDetectableDifference(sd!.Value, units, alpha, power, ratio);
                (up, down) = (mde, mde);
                mdeRel = mean == 0 ? null : mde / Math.Abs(mean!.Value);
            }
        }

        if (effect is { } e)
        {
            if (isRate)
            {
                var target = rate!.Value * (1 + e);
                if (!(target is > 0 and < 1)) { throw new ArgumentException($"--effect {Invariant(e)}: the target rate {Invariant(target)} is outside (0, 1)."); }
                var h = PowerAnalysis.CohensH(rate.Value, target);
                reqC = UnitsForEffect(() => PowerAnalysis.NormalSampleSize(h, alpha, power, ratio), e, "Cohen's h", h);
                if (n is { } units2) { powerAt = PowerAnalysis.NormalPower(h, units2, alpha, ratio); }
            }
            else
            {
                var d = e * mean!.Value / sd!.Value;
                reqC = UnitsForEffect(() => PowerAnalysis.TTestSampleSize(d, alpha, power, ratio), e, "standardised effect", d);
                if (n is { } units2) { powerAt = PowerAnalysis.TTestPower(d, units2, alpha, ratio); }
            }
        }

        return new PowerPlan(isRate ? "rate" : "mean", mean, sd, rate, alpha, power, ratio, n, effect, mde, mdeRel, up, down,
            reqC is null ? null : Math.Ceiling(reqC.Value), reqC is null ? null : Math.Ceiling(reqC.Value * ratio),
            reqC is null ? null : Math.Ceiling(reqC.Value) + Math.Ceiling(reqC.Value * ratio), powerAt, powerAt is null ? null : powerAt >= power);
    }

    // The engine names its standardised effect size; the user gave a relative change, so the message names that.
    private static double UnitsForEffect(Func<double> sampleSize, double relative, string scale, double standardised)
    {
        try
        {
            return sampleSize();
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "effectSize")
        {
            var reason = ex.Message.Split(" (Parameter", 2)[0].Split(Environment.NewLine, 2)[0];
            throw new ArgumentException($"--effect {Invariant(relative)}: a relative change of {Invariant(relative)} is a {scale} of {Invariant(standardised)}. {reason}", ex);
        }
    }

    private static string Invariant(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

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
