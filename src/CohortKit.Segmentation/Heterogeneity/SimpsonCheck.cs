namespace CohortKit.Segmentation.Heterogeneity;

/// <summary>Simpson's check: the overall effect's sign against the size-weighted majority of the within-segment effects.</summary>
internal static class SimpsonCheck
{
    /// <summary>A finding when the learners in segments whose effect has the opposite sign to the overall effect outnumber
    /// those in segments that agree; <see langword="null"/> otherwise (and when the overall effect is exactly 0).</summary>
    public static SimpsonFinding? Check(string dimension, string metric, double overallEffect, IReadOnlyList<(string Value, long N, double Effect)> segments)
    {
        if (overallEffect == 0 || segments.Count == 0)
        {
            return null;
        }

        long against = 0, agree = 0;
        var names = new List<string>();
        foreach (var (value, n, effect) in segments)
        {
            if (Math.Sign(effect) == -Math.Sign(overallEffect)) { against += n; names.Add(value); }
            else if (Math.Sign(effect) == Math.Sign(overallEffect)) { agree += n; }
        }

        return against > agree
            ? new SimpsonFinding { Dimension = dimension, Metric = metric, OverallEffect = overallEffect, SegmentsAgainst = names }
            : null;
    }
}
