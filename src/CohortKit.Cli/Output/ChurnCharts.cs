using System.Globalization;
using CohortKit.Churn.Evaluation;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>PNG charts of a churn evaluation: the ROC curve, the calibration curve and the lead-time histogram of early warnings.</summary>
internal static class ChurnCharts
{
    private const int Size = 640;
    private const int MaxRocPoints = 2000;

    /// <summary>The ROC curve (thinned to at most 2,000 points, always keeping the ends) with the chance diagonal and, when
    /// given, the peer's AUC in the legend for comparison.</summary>
    public static void Roc(ChurnEvaluation evaluation, AucEstimate auc, string title, string path)
    {
        var step = Math.Max(1, evaluation.Roc.Count / MaxRocPoints);
        var points = evaluation.Roc.Where((_, i) => i % step == 0 || i == evaluation.Roc.Count - 1).ToArray();
        var plot = new Plot();
        var chance = plot.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, Colors.Gray);
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance";
        var line = plot.Add.ScatterLine(points.Select(p => p.FalsePositiveRate).ToArray(), points.Select(p => p.TruePositiveRate).ToArray(), Colors.Blue);
        line.LineWidth = 2;
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"AUC {auc.Auc:0.000} (95% CI {auc.Interval.Low:0.000}-{auc.Interval.High:0.000})");
        plot.Title(title);
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, Size, Size);
    }

    /// <summary>Observed churn rate against the mean predicted probability per bin (marker area ∝ rows), with the diagonal of
    /// perfect calibration; both axes zoomed to the largest bin value so that rare churn stays readable.</summary>
    public static void Calibration(ChurnEvaluation evaluation, string title, string path)
    {
        var plot = new Plot();
        var top = Math.Min(1, 1.1 * evaluation.Calibration.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)));
        var diagonal = plot.Add.ScatterLine(new double[] { 0, top }, new double[] { 0, top }, Colors.Gray);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        var curve = plot.Add.ScatterLine(evaluation.Calibration.Select(b => b.MeanPredicted).ToArray(), evaluation.Calibration.Select(b => b.ObservedRate).ToArray(), Colors.Blue);
        curve.LineWidth = 2;
        curve.MarkerSize = 7;
        curve.LegendText = string.Create(CultureInfo.InvariantCulture, $"observed rate per bin of 0.1 (Brier {evaluation.Brier:0.0000})");
        foreach (var bin in evaluation.Calibration)
        {
            var label = plot.Add.Text(bin.Count.ToString("N0", CultureInfo.InvariantCulture), bin.MeanPredicted, bin.ObservedRate);
            label.LabelFontSize = 10;
        }

        plot.Title(title);
        plot.XLabel("mean predicted probability (bin)");
        plot.YLabel("observed churn rate");
        plot.Axes.SetLimits(0, top, 0, top);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Size, Size);
    }

    /// <summary>A histogram of days from the first alert to withdrawal, one bar per week.</summary>
    public static void LeadTimes(IReadOnlyList<int> days, int withdrawals, string title, string path)
    {
        var plot = new Plot();
        if (days.Count > 0)
        {
            var weeks = days.Max() / 7 + 1;
            var counts = new double[weeks];
            foreach (var d in days) { counts[d / 7]++; }
            var bars = plot.Add.Bars(Enumerable.Range(0, weeks).Select(w => w * 7 + 3.5).ToArray(), counts);
            foreach (var bar in bars.Bars) { bar.Size = 6.5; }
        }

        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{title}: {days.Count:N0} of {withdrawals:N0} withdrawals alerted"));
        plot.XLabel("days from the first alert to withdrawal");
        plot.YLabel("withdrawals");
        plot.SavePng(path, Size + 200, Size - 160);
    }
}
