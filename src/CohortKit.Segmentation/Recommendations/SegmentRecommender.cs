using System.Globalization;
using CohortKit.Statistics;

namespace CohortKit.Segmentation.Recommendations;

/// <summary>Turns a row's numbers and flags into a recommendation with its reason, and classifies a minimum-lift shortfall.</summary>
internal static class SegmentRecommender
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The effect on the scale the minimum lift is stated in: relative, or absolute when the control mean is 0.</summary>
    public static (double Effect, ConfidenceInterval Interval, bool Relative) Lift(SegmentEffect effect)
        => effect.Result is { RelativeEffect: { } r, RelativeInterval: { } ri } ? (r, ri, true) : (effect.Result.AbsoluteEffect, effect.Result.Interval, false);

    /// <summary>Why a segment below the minimum lift is there: its interval lies below it (real), it cannot detect it (power), or neither.</summary>
    public static ShortfallReason Shortfall(SegmentEffect effect, double minimumLift, bool underpowered)
        => Lift(effect).Interval.High < minimumLift ? ShortfallReason.RealShortfall : underpowered ? ShortfallReason.LackOfPower : ShortfallReason.Inconclusive;

    /// <summary>The recommendation for a row of a table without an arm column.</summary>
    public static SegmentRecommendation WithoutEffect(double mean, double overallMean, SegmentAlerts flags)
    {
        var versus = overallMean == 0 ? "" : $" ({Percent(mean / overallMean - 1)})";
        return (flags & SegmentAlerts.Differs) != 0
            ? new(SegmentAction.Investigate, $"mean {Number(mean)} vs overall {Number(overallMean)}{versus}: differs — look at what sets it apart")
            : new(SegmentAction.None, $"mean {Number(mean)} vs overall {Number(overallMean)}{versus}: in line");
    }

    /// <summary>The recommendation for a row with a treatment effect (or none when an arm had too few learners).</summary>
    public static SegmentRecommendation WithEffect(SegmentEffect? effect, long n, double minimumLift, SegmentAlerts flags)
    {
        if (effect is null)
        {
            return new(SegmentAction.CollectMoreData, $"underpowered: n = {n}, too few learners in an arm (or no variation) for a test");
        }

        var (lift, interval, relative) = Lift(effect);
        var text = relative
            ? $"effect {Percent(lift)} [{Points(interval.Low)}, {Points(interval.High)}]"
            : $"effect {Signed(lift)} [{Number(interval.Low)}, {Number(interval.High)}] (control mean 0: absolute)";
        var significant = effect.AdjustedPValue < 1 - interval.Level;
        if (relative && significant && interval.Low <= 0 && interval.High >= 0)
        {
            // The test (on the absolute difference) is significant but the delta-method relative interval straddles 0, which
            // happens when the control mean is near 0: quote the absolute effect, which is what was tested.
            var a = effect.Result;
            text = $"effect {Signed(a.AbsoluteEffect)} [{Number(a.Interval.Low)}, {Number(a.Interval.High)}] (absolute; relative {Percent(lift)} is unstable with a control mean near 0)";
        }

        if ((flags & SegmentAlerts.Regression) != 0)
        {
            return new(SegmentAction.ExcludeOrRetune, $"{text}, significant: regression — exclude or retune");
        }

        if (significant && lift >= minimumLift)
        {
            return new(SegmentAction.Keep, $"{text}: keep");
        }

        if ((flags & SegmentAlerts.Underpowered) != 0 && !significant)
        {
            var mde = effect.MinimumDetectableRelativeEffect is { } m ? $"MDE {Points(m)} %" : "no detectable effect at this size";
            return new(SegmentAction.CollectMoreData, $"underpowered: n = {n}, {mde}");
        }

        if (interval.High < minimumLift)
        {
            return new(SegmentAction.Retune, $"{text}: below the {Percent(minimumLift)} minimum lift, a real shortfall — retune for this segment");
        }

        return significant
            ? new(SegmentAction.Keep, $"{text}: keep, though below the {Percent(minimumLift)} minimum lift")
            : new(SegmentAction.None, $"{text}: inconclusive");
    }

    private static string Percent(double fraction) => $"{(fraction >= 0 ? "+" : "−")}{Math.Abs(100 * fraction).ToString("0.0", C)} %";

    /// <summary>A fraction in percentage points with one decimal, e.g. 0.0623 → 6.2.</summary>
    private static string Points(double fraction) => (100 * fraction).ToString("0.0", C).Replace("-", "−", StringComparison.Ordinal);

    private static string Signed(double value) => $"{(value >= 0 ? "+" : "−")}{Number(Math.Abs(value))}";

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.0##", C).Replace("-", "−", StringComparison.Ordinal);
}
