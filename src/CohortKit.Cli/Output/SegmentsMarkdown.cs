using System.Globalization;
using System.Text;
using CohortKit.Cli.Segmentation;
using CohortKit.Segmentation;

namespace CohortKit.Cli.Output;

/// <summary>Renders a segment report as Markdown: one table per (dimension, metric), heterogeneity, the minimum-lift list and Simpson's warnings.</summary>
internal static class SegmentsMarkdown
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(SegmentsReport report, IReadOnlyList<string>? plots = null)
    {
        var md = new StringBuilder();
        md.AppendLine("# Segment deep-dive").AppendLine();
        md.AppendLine(C, $"{report.Learners:N0} learners; metrics: {string.Join(", ", report.Metrics)}.").AppendLine();
        foreach (var plot in plots ?? [])
        {
            md.AppendLine(C, $"![forest plot]({plot})").AppendLine();
        }

        foreach (var d in report.Dimensions)
        {
            md.AppendLine(C, $"## {d.Dimension} — {d.Metric}").AppendLine();
            var effects = d.Segments.Any(s => s.Effect is not null);
            md.AppendLine(effects
                ? "| value | n | share | mean [CI] | vs overall [CI] | effect [CI] | relative | BH p | shrunk | flags | recommendation |\n|---|---:|---:|---|---|---|---:|---:|---:|---|---|"
                : "| value | n | share | mean [CI] | vs overall [CI] | flags | recommendation |\n|---|---:|---:|---|---|---|---|");
            foreach (var s in d.Segments)
            {
                md.Append(C, $"| {s.Value} | {s.N} | {s.Share:P1} | {F(s.Mean)} [{F(s.CiLow)}, {F(s.CiHigh)}] | {F(s.DifferenceFromOverall)} [{F(s.DifferenceCiLow)}, {F(s.DifferenceCiHigh)}] |");
                if (effects)
                {
                    var e = s.Effect;
                    md.Append(C, $" {(e is null ? "—" : $"{F(e.AbsoluteEffect)} [{F(e.CiLow)}, {F(e.CiHigh)}]")} | {(e?.RelativeEffect is { } r ? r.ToString("P1", C) : "—")} | {F(e?.AdjustedPValue)} | {F(e?.ShrunkEffect)} |");
                }

                md.AppendLine(C, $" {string.Join(", ", s.Flags)} | {s.Recommendation} |");
            }

            md.AppendLine();
            if (d.Heterogeneity is { } h)
            {
                md.AppendLine(C, $"Heterogeneity of the effect: Cochran's Q = {F(h.Q)} on {h.Df} df (p = {F(h.PValue)}), I² = {h.I2:P0}, DerSimonian–Laird τ² = {F(h.Tau2)}.").AppendLine();
            }

            if (effects)
            {
                md.AppendLine(d.BelowMinimumLift.Count == 0
                    ? "Every segment reaches the minimum lift."
                    : $"Below the minimum lift: {string.Join(", ", d.BelowMinimumLift.Select(b => $"{b.Value} ({Why(b.Reason)})"))}.").AppendLine();
            }
        }

        if (report.Simpson.Count > 0)
        {
            md.AppendLine("## Simpson's paradox").AppendLine();
            foreach (var s in report.Simpson)
            {
                md.AppendLine(C, $"- {s.Dimension} ({s.Metric}): the overall effect {F(s.OverallEffect)} has the opposite sign to most learners' segments: {string.Join(", ", s.SegmentsAgainst)}.");
            }
        }

        return md.ToString();
    }

    private static string Why(ShortfallReason reason) => reason switch
    {
        ShortfallReason.LackOfPower => "lack of power",
        ShortfallReason.RealShortfall => "a real shortfall",
        _ => "inconclusive",
    };

    private static string F(double? value) => value is { } v ? v.ToString("G4", C) : "—";
}
