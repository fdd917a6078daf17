using System.Globalization;
using CohortKit.Reliability.Slo;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>The burn-rate chart of <c>cohortkit slo replay --chart</c>: for each alert rule, its long window's burn rate per
/// minute (solid) and its short window's (dashed), its threshold as a dotted horizontal line in the same colour, and the
/// minutes it fired shaded. When some alert fired, the minute axis is zoomed to the firing intervals with a margin of half
/// their span on each side (the title states the minutes shown); otherwise it shows every minute.</summary>
internal static class SloBurnRateChart
{
    private const int Width = 1200;
    private const int Height = 640;

    public static void Draw(SloReplayResult result, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var top = 1.0;
        for (var i = 0; i < result.BurnRates.Count; i++)
        {
            var rule = result.BurnRates[i];
            var color = palette.GetColor(i);
            var name = string.Create(CultureInfo.InvariantCulture,
                $"{(rule.Severity == AlertSeverity.Page ? "page" : "ticket")} {rule.Threshold}x {SloDuration.Format(rule.LongWindow)}/{SloDuration.Format(rule.ShortWindow)}");
            foreach (var a in result.Alerts.Where(a => a.Severity == rule.Severity && a.LongWindow == rule.LongWindow
                && a.ShortWindow == rule.ShortWindow && a.BurnRate == rule.Threshold))
            {
                var span = plot.Add.HorizontalSpan(a.FiredAtMinute, a.ClearedAtMinute ?? rule.LongWindowBurnRates.Count - 1);
                span.FillStyle.Color = color.WithAlpha(0.12);
                span.LineStyle.Width = 0;
            }

            var longLine = plot.Add.Signal(rule.LongWindowBurnRates.ToArray());
            longLine.Color = color;
            longLine.LineWidth = 2;
            longLine.MarkerSize = 0;
            longLine.LegendText = name;
            var shortLine = plot.Add.Signal(rule.ShortWindowBurnRates.ToArray());
            shortLine.Color = color;
            shortLine.LineWidth = 1;
            shortLine.LinePattern = LinePattern.Dashed;
            shortLine.MarkerSize = 0;
            plot.Add.HorizontalLine(rule.Threshold, 1.5f, color, LinePattern.Dotted);
            top = Math.Max(top, Math.Max(rule.Threshold, Math.Max(rule.LongWindowBurnRates.DefaultIfEmpty(0).Max(), rule.ShortWindowBurnRates.DefaultIfEmpty(0).Max())));
        }

        var last = result.BurnRates.Count == 0 ? 0 : result.BurnRates[0].LongWindowBurnRates.Count - 1;
        var (from, to) = (0L, (long)last);
        if (result.Alerts.Count > 0)
        {
            var first = result.Alerts.Min(a => a.FiredAtMinute);
            var end = result.Alerts.Max(a => a.ClearedAtMinute ?? last);
            var margin = Math.Max(10, (end - first) / 2);
            (from, to) = (Math.Max(0, first - margin), Math.Min(last, end + margin));
        }

        plot.Axes.SetLimits(from, Math.Max(to, from + 1), 0, top * 1.05);
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"Burn rate per minute, objective {result.Objective}, minutes {from}-{to} of 0-{last}\nsolid = long window, dashed = short window, dotted = threshold, shaded = firing"));
        plot.XLabel("minute");
        plot.YLabel("burn rate (error ratio / (1 - objective))");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }
}
