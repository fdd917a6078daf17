using System.Globalization;
using CohortKit.Cli.Temporal;
using CohortKit.Temporal.Retention;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>PNG charts made by the CLI (libraries return data; formatting happens here, once): a retention heatmap and
/// survival curves with their confidence bands.</summary>
internal static class Charts
{
    private const int Width = 1000;
    private const int Height = 640;

    /// <summary>Cohorts down, periods across, colour = rate; unobserved cells are left blank (never drawn as 0).</summary>
    public static void RetentionHeatmap(RetentionMatrix matrix, string path)
    {
        var rows = matrix.Cohorts.Count;
        var columns = matrix.Columns.Count;
        var data = new double[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++) { data[r, c] = matrix.Cohorts[r].Rate[c] ?? double.NaN; }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heatmap);
        plot.Title($"Retention ({Name(matrix.Kind)}) by {matrix.Period.ToString().ToUpperInvariant()[0]}{matrix.Period.ToString()[1..].ToLowerInvariant()}; blank = not fully observed");
        plot.XLabel("period since signup");
        plot.YLabel("cohort");
        var labels = matrix.Cohorts.Select(c => c.Cohort).ToArray();
        var step = Math.Max(1, rows / 20);
        var ticks = Enumerable.Range(0, rows).Where(r => r % step == 0).Select(r => new Tick(rows - 1 - r, labels[r])).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, columns).Select(c => new Tick(c, c.ToString(CultureInfo.InvariantCulture))).ToArray());
        plot.SavePng(path, Width, Math.Max(Height, 120 + 18 * Math.Min(rows, 40)));
    }

    /// <summary>One step curve per group with its confidence band (the first, "all", in black).</summary>
    public static void SurvivalCurves(SurvivalResult result, string path, string xLabel)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < result.Curves.Count; i++)
        {
            var curve = result.Curves[i];
            var color = i == 0 ? Colors.Black : palette.GetColor(i - 1);
            var (xs, ys) = Steps(curve.Time, curve.Survival, 1);
            var (_, low) = Steps(curve.Time, curve.CiLow, 1);
            var (_, high) = Steps(curve.Time, curve.CiHigh, 1);
            var band = plot.Add.FillY(xs, low, high);
            band.FillColor = color.WithAlpha(0.15);
            band.LineWidth = 0;
            var line = plot.Add.ScatterLine(xs, ys, color);
            line.LineWidth = i == 0 ? 2 : 1.5f;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{curve.Group} (n = {curve.N:N0})");
        }

        plot.Axes.SetLimitsY(0, 1.02);
        plot.Title("Kaplan-Meier survival with 95% log-transformed CI");
        plot.XLabel(xLabel);
        plot.YLabel("S(t)");
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, Width, Height);
    }

    // A right-continuous step function from (0, start) through each (t_i, y_i), extended to the last time.
    private static (double[] X, double[] Y) Steps(IReadOnlyList<double> times, IReadOnlyList<double> values, double start)
    {
        var xs = new double[2 * times.Count + 1];
        var ys = new double[xs.Length];
        var previous = start;
        for (var i = 0; i < times.Count; i++)
        {
            xs[2 * i] = times[i];
            ys[2 * i] = previous;
            xs[2 * i + 1] = times[i];
            ys[2 * i + 1] = values[i];
            previous = values[i];
        }

        xs[^1] = times.Count == 0 ? 1 : times[^1];
        ys[^1] = previous;
        return ([0, .. xs], [start, .. ys]);
    }

    private static string Name(RetentionKind kind) => kind switch { RetentionKind.NDay => "N-day", RetentionKind.Unbounded => "unbounded", _ => "bracket" };
}
