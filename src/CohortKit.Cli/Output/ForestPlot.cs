using CohortKit.Cli.Segmentation;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>Draws a forest plot of per-segment treatment effects with ScottPlot: one row per (dimension, segment) with its
/// effect and confidence interval, the overall effect as a dashed line and zero as a solid one.</summary>
internal static class ForestPlot
{
    private const int Width = 900;
    private const int RowHeight = 22;
    private const int Margin = 120;

    /// <summary>Writes one PNG per metric that has effects; returns the file names written (relative to <paramref name="dir"/>).</summary>
    public static IReadOnlyList<string> Write(DirectoryInfo dir, SegmentsReport report)
    {
        var written = new List<string>();
        foreach (var metric in report.Metrics)
        {
            var rows = report.Dimensions.Where(d => d.Metric == metric)
                .SelectMany(d => d.Segments.Where(s => s.Effect is not null).Select(s => (Label: $"{d.Dimension}: {s.Value}", Effect: s.Effect!)))
                .ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var name = $"forest-{Safe(metric)}.png";
            Render(rows, metric, report.Dimensions.First(d => d.Metric == metric).OverallEffect).SavePng(Path.Combine(dir.FullName, name), Width, Margin + RowHeight * rows.Count);
            written.Add(name);
        }

        return written;
    }

    private static Plot Render(List<(string Label, EffectEntry Effect)> rows, string metric, double? overall)
    {
        var plot = new Plot();
        var positions = new double[rows.Count];
        var labels = new string[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var y = rows.Count - i;
            var e = rows[i].Effect;
            var line = plot.Add.Line(e.CiLow, y, e.CiHigh, y);
            line.LineWidth = 2;
            line.Color = Colors.SteelBlue;
            var marker = plot.Add.Marker(e.AbsoluteEffect, y);
            marker.Color = Colors.SteelBlue;
            marker.Size = 8;
            positions[i] = y;
            labels[i] = rows[i].Label;
        }

        plot.Add.VerticalLine(0, 1, Colors.Black);
        if (overall is { } o)
        {
            var v = plot.Add.VerticalLine(o, 1, Colors.OrangeRed);
            v.LinePattern = LinePattern.Dashed;
            v.LegendText = "overall effect";
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, labels);
        plot.Axes.SetLimitsY(0.3, rows.Count + 0.7);
        plot.Title($"Effect on {metric} by segment (treatment − control, with CI)");
        plot.XLabel($"effect on {metric}");
        return plot;
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
