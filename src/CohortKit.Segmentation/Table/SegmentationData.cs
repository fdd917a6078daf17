using CohortKit.Experiments;
using CohortKit.Learners;

namespace CohortKit.Segmentation;

/// <summary>A two-way cross of dimensions, reported as the dimension <c>"First×Second"</c> with values <c>"a×b"</c>.</summary>
/// <param name="First">The first dimension's column name.</param>
/// <param name="Second">The second dimension's column name.</param>
public readonly record struct DimensionCross(string First, string Second);

/// <summary>What a segment table reads: one row per learner, metric columns and dictionary-encoded dimension columns, and
/// optionally the experiment's arm column.</summary>
/// <remarks>Immutable; the columns are read, never changed. Validated when constructed.</remarks>
public sealed class SegmentationData
{
    /// <summary>Creates the input of a segment table.</summary>
    /// <param name="metrics">The metrics (at least one), each with one value per learner.</param>
    /// <param name="dimensions">The dimensions to break them down by (at least one), each with one code per learner.</param>
    /// <exception cref="ArgumentException">No metric or dimension, a column's length differs from the first metric's, or a
    /// name repeats.</exception>
    public SegmentationData(IReadOnlyList<MetricColumn> metrics, IReadOnlyList<CategoricalColumn> dimensions)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (metrics.Count == 0) { throw new ArgumentException("At least one metric is needed.", nameof(metrics)); }
        if (dimensions.Count == 0) { throw new ArgumentException("At least one dimension is needed.", nameof(dimensions)); }
        Rows = metrics[0].Values.Length;
        foreach (var m in metrics)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(metrics));
            if (m.Values.Length != Rows) { throw new ArgumentException($"Metric '{m.Name}' has {m.Values.Length} rows; '{metrics[0].Name}' has {Rows}.", nameof(metrics)); }
        }

        foreach (var d in dimensions)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(dimensions));
            if (d.Count != Rows) { throw new ArgumentException($"Dimension '{d.Name}' has {d.Count} rows; the metrics have {Rows}.", nameof(dimensions)); }
        }

        RequireDistinct(metrics.Select(m => m.Name), nameof(metrics));
        RequireDistinct(dimensions.Select(d => d.Name), nameof(dimensions));
        Metrics = [.. metrics];
        Dimensions = [.. dimensions];
    }

    /// <summary>Gets the number of learners (rows).</summary>
    public int Rows { get; }

    /// <summary>Gets the metrics.</summary>
    public IReadOnlyList<MetricColumn> Metrics { get; }

    /// <summary>Gets the dimensions.</summary>
    public IReadOnlyList<CategoricalColumn> Dimensions { get; }

    /// <summary>Gets the two-way crosses to report besides the dimensions; each names two of <see cref="Dimensions"/>.</summary>
    public IReadOnlyList<DimensionCross> Crosses { get; init; } = [];

    /// <summary>Gets the experiment's arm column (two arms), or <see langword="null"/> for a table without effects.</summary>
    public CategoricalColumn? Arm { get; init; }

    /// <summary>Gets the control arm's value in <see cref="Arm"/>.</summary>
    public string? ControlArm { get; init; }

    private static void RequireDistinct(IEnumerable<string> names, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (!seen.Add(n)) { throw new ArgumentException($"Column '{n}' is given twice.", parameter); }
        }
    }
}
