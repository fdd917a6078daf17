namespace CohortKit.Temporal.Survival;

/// <summary>R survival's <c>quantile.survfit</c> (its internal <c>findq</c>) for p = 0.5, so that medians and their intervals
/// agree with R to the last digit, including its tolerance for a curve that sits exactly at 0.5.</summary>
internal static class MedianSurvival
{
    /// <summary>R's <c>sqrt(.Machine$double.eps)</c>.</summary>
    private const double Tolerance = 1.4901161193847656e-8;

    private const double P = 0.5;

    /// <summary>The time where the curve <paramref name="survival"/> (one value per distinct time, NaN where undefined)
    /// reaches 0.5, or NaN when it does not.</summary>
    public static double Find(ReadOnlySpan<double> times, ReadOnlySpan<double> survival)
    {
        // x = (0, times), y = (0, 1 - S); keep the first of each run of equal y (R's duplicated(), NaN included once).
        var xs = new List<double>(times.Length + 1) { 0 };
        var ys = new List<double>(times.Length + 1) { 0 };
        var seen = new HashSet<double> { 0 };
        var max = 0.0;
        var seenNaN = false;
        for (var i = 0; i < times.Length; i++)
        {
            var y = 1 - survival[i];
            if (double.IsNaN(y))
            {
                if (seenNaN) { continue; }
                seenNaN = true;
            }
            else if (!seen.Add(y))
            {
                continue;
            }
            else
            {
                max = Math.Max(max, y);
            }

            xs.Add(times[i]);
            ys.Add(y);
        }

        if (max < P)
        {
            return double.NaN;
        }

        var xmax = times.IsEmpty ? 0 : times[^1];
        var first = FirstAtOrAbove(ys, P - Tolerance);
        var second = FirstAtOrAbove(ys, P + Tolerance);
        var last = ys[^1];
        if (!double.IsNaN(last) && Math.Abs(P - last) < Tolerance)
        {
            return (xs[first] + xmax) / 2;
        }

        return second < 0 ? double.NaN : (xs[first] + xs[second]) / 2;
    }

    // approx(y ± tol, 1:n, p, method = "constant", f = 1): approx orders the knots by y, so this is the index of the smallest
    // y at or above the threshold (on a monotone curve, the first index reaching it); NaN knots are dropped, none left is NA.
    private static int FirstAtOrAbove(List<double> ys, double threshold)
    {
        var best = -1;
        for (var j = 0; j < ys.Count; j++)
        {
            if (ys[j] >= threshold && (best < 0 || ys[j] < ys[best])) { best = j; }
        }

        return best;
    }
}
