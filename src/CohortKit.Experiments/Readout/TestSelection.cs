namespace CohortKit.Experiments.Readout;

/// <summary>Resolves <see cref="TestChoice.Auto"/> for a metric from all of its values: the two-proportion z-test for a 0/1
/// metric, Welch otherwise. The readout and Segmentation's tables call it once per metric, so that every segment of a metric
/// is read with the same test.</summary>
public static class TestSelection
{
    /// <summary>Chooses the test for a metric.</summary>
    /// <param name="metric">The metric's values (all units).</param>
    /// <param name="requested">The requested test; anything but <see cref="TestChoice.Auto"/> is returned as it is, after checking
    /// that <see cref="TestChoice.Proportion"/> gets a 0/1 metric.</param>
    /// <returns><see cref="TestChoice.Proportion"/>, <see cref="TestChoice.Welch"/> or <see cref="TestChoice.MannWhitney"/>.</returns>
    /// <exception cref="ArgumentException">The proportion test was requested for a metric with values other than 0 and 1.</exception>
    public static TestChoice Choose(MetricColumn metric, TestChoice requested)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var binary = true;
        foreach (var v in metric.Values.Span)
        {
            if (v is not (0 or 1)) { binary = false; break; }
        }

        if (requested == TestChoice.Proportion && !binary)
        {
            throw new ArgumentException($"Metric '{metric.Name}' has values other than 0 and 1; the proportion test needs a 0/1 metric.", nameof(metric));
        }

        return requested == TestChoice.Auto ? (binary ? TestChoice.Proportion : TestChoice.Welch) : requested;
    }
}
