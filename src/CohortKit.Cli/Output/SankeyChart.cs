using System.Globalization;
using CohortKit.Cli.Temporal;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>The migration flows of <c>cohortkit track</c> as a two-column Sankey chart: the earlier period's cohorts (and
/// "entered") on the left, the later period's (and "left") on the right, each band as wide as its number of learners.</summary>
internal static class SankeyChart
{
    private const int Width = 1000;
    private const int Height = 700;
    private const double NodeWidth = 0.04;
    private const double Gap = 0.03;
    private const int CurvePoints = 40;
    private const string Entered = "(entered)";
    private const string Left = "(left)";

    public static void Draw(TrackResult result, string path)
    {
        var sources = Nodes(result.Flows.Select(f => f.Source ?? Entered));
        var targets = Nodes(result.Flows.Select(f => f.Target ?? Left));
        var sourceTotals = sources.Select(n => result.Flows.Where(f => (f.Source ?? Entered) == n).Sum(f => f.Count)).ToArray();
        var targetTotals = targets.Select(n => result.Flows.Where(f => (f.Target ?? Left) == n).Sum(f => f.Count)).ToArray();
        // One vertical scale for both columns: the taller column fills [0, 1] with its gaps.
        var scale = Math.Min((1 - Gap * (sources.Count - 1)) / sourceTotals.Sum(), (1 - Gap * (targets.Count - 1)) / targetTotals.Sum());
        var sourceTop = Tops(sourceTotals, scale);
        var targetTop = Tops(targetTotals, scale);

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var colorOf = sources.Concat(targets).Distinct().Select((n, i) => (n, i)).ToDictionary(x => x.n, x => IsOutside(x.n) ? Colors.Gray : palette.GetColor(x.i));

        var sourceCursor = (double[])sourceTop.Clone();
        var targetCursor = (double[])targetTop.Clone();
        foreach (var f in result.Flows)
        {
            int s = sources.IndexOf(f.Source ?? Entered), t = targets.IndexOf(f.Target ?? Left);
            var h = f.Count * scale;
            var band = plot.Add.Polygon(Band(sourceCursor[s], targetCursor[t], h));
            band.FillColor = colorOf[sources[s]].WithAlpha(0.35);
            band.LineWidth = 0;
            sourceCursor[s] -= h;
            targetCursor[t] -= h;
        }

        for (var i = 0; i < sources.Count; i++) { Node(plot, 0, sourceTop[i], sourceTotals[i] * scale, colorOf[sources[i]], sources[i], sourceTotals[i], Alignment.MiddleRight); }
        for (var i = 0; i < targets.Count; i++) { Node(plot, 1 - NodeWidth, targetTop[i], targetTotals[i] * scale, colorOf[targets[i]], targets[i], targetTotals[i], Alignment.MiddleLeft); }

        // A frameless plot draws no title, so the title is a label above the columns.
        var title = plot.Add.Text($"Cohort migration from {result.From} to {result.To} (band width = learners)", 0.5, 1.05);
        title.LabelAlignment = Alignment.MiddleCenter;
        title.LabelFontSize = 18;
        title.LabelBold = true;
        plot.Axes.SetLimits(-0.3, 1.3, -0.02, 1.09);
        plot.HideGrid();
        plot.Axes.Frameless();
        plot.SavePng(path, Width, Height);

        static bool IsOutside(string name) => name is Entered or Left;
    }

    private static List<string> Nodes(IEnumerable<string> names) => names.Distinct().ToList();

    private static double[] Tops(long[] totals, double scale)
    {
        var tops = new double[totals.Length];
        var y = 1.0;
        for (var i = 0; i < totals.Length; i++)
        {
            tops[i] = y;
            y -= totals[i] * scale + Gap;
        }

        return tops;
    }

    // A band from [top − h, top] at the left column's inner edge to the same at the right column's, along a smoothstep curve.
    private static Coordinates[] Band(double leftTop, double rightTop, double h)
    {
        var points = new Coordinates[2 * (CurvePoints + 1)];
        for (var k = 0; k <= CurvePoints; k++)
        {
            var u = (double)k / CurvePoints;
            var x = NodeWidth + u * (1 - 2 * NodeWidth);
            var y = leftTop + (rightTop - leftTop) * u * u * (3 - 2 * u);
            points[k] = new Coordinates(x, y);
            points[2 * CurvePoints + 1 - k] = new Coordinates(x, y - h);
        }

        return points;
    }

    private static void Node(Plot plot, double x, double top, double height, Color color, string name, long count, Alignment alignment)
    {
        var rect = plot.Add.Rectangle(x, x + NodeWidth, top - height, top);
        rect.FillColor = color;
        rect.LineWidth = 0;
        var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"{name} ({count:N0})"), alignment == Alignment.MiddleRight ? x - 0.01 : x + NodeWidth + 0.01, top - height / 2);
        label.LabelAlignment = alignment;
        label.LabelFontSize = 14;
    }
}
