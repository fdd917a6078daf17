using CohortKit.Personalization.Simulation;
using ScottPlot;

namespace CohortKit.Cli.Personalization;

/// <summary>The PNG of cumulative regret against rounds, one line per policy.</summary>
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
            var line = plot.Add.ScatterLine(r.Curve.Select(p => (double)p.Round).ToArray(), r.Curve.Select(p => p.CumulativeRegret).ToArray(), palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = r.Policy.ToString();
        }

        plot.Title(title);
        plot.XLabel("round");
        plot.YLabel("cumulative regret (Σ μ(best) − μ(chosen))");
        plot.ShowLegend(Alignment.UpperLeft);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) { Directory.CreateDirectory(directory); }
        plot.SavePng(path, Width, Height);
    }
}
