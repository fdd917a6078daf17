using CohortKit.Personalization.Simulation;
using ScottPlot;

namespace CohortKit.Cli.Personalization;

/// <summary>The PNG of cumulative regret against rounds, one line per policy, on a log₁₀ regret axis (random's linear
/// regret would otherwise flatten the learners' curves to the axis). Points with zero regret are left out.</summary>
internal static class RegretChart
{
    private const int Width = 1000;
    private const int Height = 600;

    public static void Save(IReadOnlyList<BanditSimulationResult> results, string path, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var points = r.Curve.Where(p => p.CumulativeRegret > 0).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Round).ToArray(), points.Select(p => Math.Log10(p.CumulativeRegret)).ToArray(), palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = r.Policy.ToString();
        }

        plot.Title(title);
        plot.XLabel("round");
        plot.YLabel("cumulative regret Σ μ(best) − μ(chosen), log scale");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.ShowLegend(Alignment.UpperLeft);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) { Directory.CreateDirectory(directory); }
        plot.SavePng(path, Width, Height);
    }
}
