using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Drills;
using ScottPlot;

namespace CohortKit.Cli.Output;

/// <summary>The timeline of a blue-green drill: every request's latency (from its intended send time) at the time it was
/// actually sent, coloured by the version that served it (failures in red), with a vertical line at each step of the deployment.</summary>
internal static class DeployDrillChart
{
    public static void Save(BlueGreenDrillResult result, string path)
    {
        var plot = new Plot();
        foreach (var (version, color) in new[] { ("blue", Colors.RoyalBlue), ("green", Colors.SeaGreen) })
        {
            var served = result.Requests.Where(r => !r.Failed && r.Version == version).ToArray();
            if (served.Length == 0)
            {
                continue;
            }

            var dots = plot.Add.ScatterPoints(served.Select(r => r.ActualSentAtMs / 1000).ToArray(), served.Select(r => r.LatencyMs).ToArray(), color.WithAlpha(0.5));
            dots.MarkerSize = 2;
            dots.LegendText = $"{version} ({served.Length:N0} requests)";
        }

        var failed = result.Requests.Where(r => r.Failed).ToArray();
        if (failed.Length > 0)
        {
            var dots = plot.Add.ScatterPoints(failed.Select(r => r.ActualSentAtMs / 1000).ToArray(), failed.Select(r => r.LatencyMs).ToArray(), Colors.Red);
            dots.MarkerSize = 4;
            dots.LegendText = $"failed ({failed.Length:N0})";
        }

        // The steps go in the legend with their times (labels on the axes overlapped the title and the tick labels).
        foreach (var (step, atMs) in result.Timeline.Where(t => t.Step is DeploymentStep.HealthGated or DeploymentStep.Switched or DeploymentStep.RolledBack or DeploymentStep.Done))
        {
            var line = plot.Add.VerticalLine(atMs / 1000, 1.5f, step switch
            {
                DeploymentStep.RolledBack => Colors.OrangeRed,
                DeploymentStep.Switched => Colors.DarkGreen,
                DeploymentStep.Done => Colors.Black,
                _ => Colors.Gray,
            });
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"{step} at {atMs / 1000:F2} s";
        }

        // The first requests of a cold process can take a second; the axis shows the 99.5th percentile with room to spare.
        plot.Axes.SetLimitsY(0, Math.Max(1, LoadGenerator.LatencyQuantile(result.Requests, 0.995) * 1.5));
        plot.Title(result.RolledBack
            ? $"Blue-green drill with a failing green: rolled back in {result.RollbackMs:F0} ms, {result.Failed} failed of {result.Requests.Count:N0}"
            : $"Blue-green drill: switched at {result.SwitchedAtMs / 1000:F2} s, {result.Failed} failed of {result.Requests.Count:N0}, p99 {result.P99LatencyMs:F1} ms");
        plot.XLabel("time since the load started (s)");
        plot.YLabel("latency from the intended send (ms)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1100, 560);
    }
}
