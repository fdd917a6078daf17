using CohortKit.Experiments.Multiplicity;

namespace CohortKit.Experiments.Readout;

/// <summary>Settings of a readout.</summary>
public sealed class ReadoutOptions
{
    /// <summary>Gets or sets the significance level.</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the multiple-testing correction across the readout's (metric, arm) comparisons.</summary>
    /// <value>The default value is <see cref="Correction.None"/>.</value>
    public Correction Correction { get; set; } = Correction.None;

    /// <summary>Gets or sets the test.</summary>
    /// <value>The default value is <see cref="TestChoice.Auto"/>.</value>
    public TestChoice Test { get; set; } = TestChoice.Auto;

    /// <summary>Gets or sets the SRM p-value below which the readout is marked untrustworthy.</summary>
    /// <value>The default value is 0.001.</value>
    public double SrmThreshold { get; set; } = Hypothesis.SampleRatioMismatch.DefaultThreshold;

    /// <summary>Gets or sets the largest number of segment values reported; the rest are pooled into "(other)".</summary>
    /// <value>The default value is 20.</value>
    public int MaxSegments { get; set; } = 20;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal ReadoutOptions Snapshot() => (ReadoutOptions)MemberwiseClone();
}
