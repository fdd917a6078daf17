using CohortKit.Experiments.Readout;

namespace CohortKit.Segmentation;

/// <summary>Settings of <see cref="SegmentAnalyzer"/>.</summary>
public sealed class SegmentationOptions
{
    /// <summary>Gets or sets the significance level of every interval and flag.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the relative difference from the overall mean above which a segment is flagged <c>differs</c>
    /// (when the difference is also significant after Benjamini–Hochberg across the dimension's segments).</summary>
    /// <value>The default value is 0.05 (5 %).</value>
    public double Threshold { get; set; } = 0.05;

    /// <summary>Gets or sets the smallest segment reported on its own; smaller values are pooled into <c>(other)</c>.</summary>
    /// <value>The default value is 50.</value>
    public int MinimumSegmentSize { get; set; } = 50;

    /// <summary>Gets or sets the relative lift every segment should show (the minimum-lift check).</summary>
    /// <value>The default value is 0.03 (+3 %).</value>
    public double MinimumLift { get; set; } = 0.03;

    /// <summary>Gets or sets the power at which a segment's minimum detectable effect is computed: a segment whose MDE exceeds
    /// <see cref="MinimumLift"/> is <c>underpowered</c>.</summary>
    /// <value>The default value is 0.8.</value>
    public double Power { get; set; } = 0.8;

    /// <summary>Gets or sets the test of treatment effects; <see cref="TestChoice.Auto"/> lets Experiments choose once per metric.</summary>
    /// <value>The default value is <see cref="TestChoice.Auto"/>.</value>
    public TestChoice Test { get; set; } = TestChoice.Auto;

    /// <summary>Gets or sets how many threads build the table (dimensions × metrics run in parallel).</summary>
    /// <value>The default value is <see cref="Environment.ProcessorCount"/>.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal SegmentationOptions Snapshot() => (SegmentationOptions)MemberwiseClone();
}
