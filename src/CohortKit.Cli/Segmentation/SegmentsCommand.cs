using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Experiments;
using CohortKit.Cli.Output;
using CohortKit.Learners;
using CohortKit.Segmentation;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Segmentation;

/// <summary><c>cohortkit segments</c>: segment tables, heterogeneity, Simpson's check and recommendations (and <c>segments discover</c>).</summary>
internal static class SegmentsCommand
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The command-line spelling of each <see cref="SegmentationOptions"/> property the command sets.</summary>
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        [nameof(SegmentationOptions.MinimumSegmentSize)] = "--min-size",
        [nameof(SegmentationOptions.Threshold)] = "--threshold",
        [nameof(SegmentationOptions.MinimumLift)] = "--min-lift",
        [nameof(SegmentationOptions.Alpha)] = "--alpha",
        [nameof(SegmentationOptions.Power)] = "--alpha",
    };

    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with one row per learner." };
        var metric = new Option<string>("--metric") { Description = "Metric column(s), comma-separated." };
        var by = new Option<string>("--by") { Description = "Dimension column(s), comma-separated." };
        var cross = new Option<string?>("--cross") { Description = "Two-way crosses of --by columns, e.g. plan:device,region:plan." };
        var group = new Option<string?>("--group") { Description = "The arm column of an experiment (two arms): adds effects, heterogeneity and Simpson's check." };
        var control = new Option<string?>("--control") { Description = "The control arm's value in --group." };
        var minSize = new Option<int>("--min-size") { Description = "Values with fewer learners are pooled into (other).", DefaultValueFactory = _ => 50 };
        var threshold = new Option<double>("--threshold") { Description = "Relative difference from the overall mean that flags a segment (when significant).", DefaultValueFactory = _ => 0.05 };
        var minLift = new Option<double>("--min-lift") { Description = "Relative lift every segment should show.", DefaultValueFactory = _ => 0.03 };
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for segment-profiles.json, segments.md and forest-<metric>.png (created if missing)." };
        var command = new Command("segments", "Segment deep-dive: per-segment means and effects with intervals, corrections per dimension, heterogeneity, Simpson's check and recommendations.")
        {
            input, metric, by, cross, group, control, minSize, threshold, minLift, alpha, json, output,
        };
        command.Subcommands.Add(DiscoverCommand.Create(console));
        command.SetAction(parse =>
        {
            var file = parse.GetValue(input) ?? throw new ArgumentException("--input: required (a CSV with one row per learner).");
            var metricList = ExperimentInput.List(parse.GetValue(metric));
            var byList = ExperimentInput.List(parse.GetValue(by));
            if (metricList.Length == 0) { throw new ArgumentException("--metric: required (one or more metric columns)."); }
            if (byList.Length == 0) { throw new ArgumentException("--by: required (one or more dimension columns)."); }
            ExperimentInput.RequireDistinct(metricList.Select(m => (m, "--metric")));
            ExperimentInput.RequireDistinct(byList.Select(b => (b, "--by")));
            var (groupName, controlValue) = (parse.GetValue(group), parse.GetValue(control));
            if ((groupName is null) != (controlValue is null))
            {
                throw new ArgumentException(groupName is null ? "--control: it needs --group (the arm column)." : "--group: it needs --control (the control arm's value).");
            }

            var crosses = Crosses(parse.GetValue(cross), byList);
            var alphaValue = parse.GetValue(alpha);
            if (!(alphaValue > 0 && alphaValue < 0.8))
            {
                throw new ArgumentException($"--alpha: {alphaValue.ToString(C)} is not in (0, 0.8); the minimum detectable effects use a power of 0.8, which must exceed it.");
            }

            var options = new SegmentationOptions
            {
                MinimumSegmentSize = parse.GetValue(minSize),
                Threshold = parse.GetValue(threshold),
                MinimumLift = parse.GetValue(minLift),
                Alpha = parse.GetValue(alpha),
            };
            var analyzer = CreateAnalyzer(options);
            var table = ExperimentInput.Load(file, "--input");
            var metrics = metricList.Select(m => ExperimentInput.Metric(table, m, "--metric")).ToList();
            var dimensions = byList.Select(b => ExperimentInput.Categorical(table, b, "--by")).ToList();
            CategoricalColumn? arm = groupName is null ? null : ExperimentInput.Categorical(table, groupName, "--group");
            if (arm is not null && !arm.TryGetCode(controlValue!, out _))
            {
                throw new ArgumentException($"--control: '{controlValue}' is not a value of column '{groupName}' (values: {string.Join(", ", arm.Categories)}).");
            }

            var data = new SegmentationData(metrics, dimensions) { Crosses = crosses, Arm = arm, ControlArm = controlValue };
            var report = SegmentsReport.From(analyzer.Analyze(data));
            if (parse.GetValue(output) is { } dir)
            {
                SegmentsOutput.Write(dir, report);
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return 0;
            }

            Print(console, report);
            return 0;
        });
        return command;
    }

    private static SegmentAnalyzer CreateAnalyzer(SegmentationOptions options)
        => OptionFlags.Rename(() => new SegmentAnalyzer(options), name => OptionNames.GetValueOrDefault(name));

    /// <summary>Parses <c>A:B,C:D</c>; each side must be one of the --by columns.</summary>
    private static DimensionCross[] Crosses(string? value, string[] by)
    {
        return [.. ExperimentInput.List(value).Select(pair =>
        {
            var parts = pair.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0 || parts[0] == parts[1])
            {
                throw new ArgumentException($"--cross: '{pair}' is not two different columns joined by ':' (e.g. plan:device).");
            }

            foreach (var p in parts)
            {
                if (!by.Contains(p, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"--cross: column '{p}' is not one of --by ({string.Join(", ", by)}).");
                }
            }

            return new DimensionCross(parts[0], parts[1]);
        })];
    }

    private static void Print(CliConsole console, SegmentsReport report)
    {
        console.Ansi.MarkupLine($"{report.Learners.ToString("N0", C)} learners, metrics: {Markup.Escape(string.Join(", ", report.Metrics))}");
        foreach (var d in report.Dimensions)
        {
            var t = new Table().Title(Markup.Escape($"{d.Dimension} — {d.Metric}")).AddColumns("value", "n", "share", "mean [[CI]]", "vs overall", "effect", "flags", "recommendation");
            foreach (var s in d.Segments)
            {
                var effect = s.Effect is { } e ? $"{F(e.AbsoluteEffect)} [{F(e.CiLow)}, {F(e.CiHigh)}] p̃={F(e.AdjustedPValue)}" : "";
                t.AddRow(Markup.Escape(s.Value), s.N.ToString(C), s.Share.ToString("P1", C), Markup.Escape($"{F(s.Mean)} [{F(s.CiLow)}, {F(s.CiHigh)}]"),
                    F(s.DifferenceFromOverall), Markup.Escape(effect), string.Join(' ', s.Flags), Markup.Escape(s.Recommendation));
            }

            console.Ansi.Write(t);
            if (d.Heterogeneity is { } h)
            {
                console.Ansi.MarkupLine($"heterogeneity: Q = {F(h.Q)} on {h.Df} df, p = {F(h.PValue)}, I² = {h.I2.ToString("P0", C)}, τ² = {F(h.Tau2)}");
            }
        }

        foreach (var s in report.Simpson)
        {
            console.Ansi.MarkupLine($"[yellow]Simpson's paradox[/] in {Markup.Escape(s.Dimension)} ({Markup.Escape(s.Metric)}): overall effect {F(s.OverallEffect)}, against it: {Markup.Escape(string.Join(", ", s.SegmentsAgainst))}");
        }
    }

    private static string F(double? value) => value is { } v ? v.ToString("G4", C) : "—";
}
