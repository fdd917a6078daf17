using CohortKit.Metrics;

namespace CohortKit.Segmentation;

/// <summary>The one pass of a segment table: per (segment code, arm) cell, the count, shifted sum and sum of squares, min and
/// max of one metric, turned into mergeable <see cref="MetricSummary"/> cells.</summary>
/// <remarks>Values are shifted by the metric's overall mean before squaring, so that M2 = Σd² − (Σd)²/n loses no precision to
/// a large common offset. One sequential sweep of two columns per (dimension, metric): the gather-scatter into cells does not
/// vectorise, but it streams memory once.</remarks>
internal static class SegmentAccumulator
{
    /// <summary>Summarises <paramref name="values"/> by cell <c>codes[i] · armCount + arms[i]</c> (or <c>codes[i]</c> without arms).</summary>
    public static MetricSummary[] Summarise(ReadOnlySpan<int> codes, int categories, ReadOnlySpan<int> arms, int armCount, ReadOnlySpan<double> values, double shift)
    {
        var cells = categories * armCount;
        var n = new long[cells];
        var s = new double[cells];
        var ss = new double[cells];
        var min = new double[cells];
        var max = new double[cells];
        min.AsSpan().Fill(double.PositiveInfinity);
        max.AsSpan().Fill(double.NegativeInfinity);
        for (var i = 0; i < values.Length; i++)
        {
            var c = arms.IsEmpty ? codes[i] : codes[i] * armCount + arms[i];
            var v = values[i];
            var d = v - shift;
            n[c]++;
            s[c] += d;
            ss[c] += d * d;
            if (v < min[c]) { min[c] = v; }
            if (v > max[c]) { max[c] = v; }
        }

        var result = new MetricSummary[cells];
        for (var c = 0; c < cells; c++)
        {
            if (n[c] == 0) { continue; }
            var mean = shift + s[c] / n[c];
            result[c] = min[c] == max[c]
                ? MetricSummary.FromParts(n[c], min[c], 0, min[c], max[c])
                : MetricSummary.FromParts(n[c], Math.Clamp(mean, min[c], max[c]), Math.Max(0, ss[c] - s[c] * s[c] / n[c]), min[c], max[c]);
        }

        return result;
    }

    /// <summary>Merges summaries.</summary>
    public static MetricSummary Merge(IEnumerable<MetricSummary> summaries)
    {
        var total = MetricSummary.Empty;
        foreach (var m in summaries) { total = total.Merge(m); }
        return total;
    }
}
