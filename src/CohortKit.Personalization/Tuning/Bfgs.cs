namespace CohortKit.Personalization.Tuning;

/// <summary>A small dense BFGS minimiser for smooth objectives of a few variables (the surrogate's hyperparameters, the
/// expected improvement at a point) on a box: each variable lives in [lower, upper] through x = lower + (upper − lower)·s(u),
/// s the logistic function, and BFGS with a backtracking (Armijo) line search runs on the unbounded u. Deterministic, with an
/// evaluation budget; it returns the best point seen and never throws for lack of convergence. A non-finite value counts as
/// a failed step (the line search backs off).</summary>
internal static class Bfgs
{
    /// <summary>The objective: its value at a point, with the gradient written into the span.</summary>
    public delegate double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient);

    private const double Armijo = 1e-4;
    private const int MaxBacktracks = 30;
    private const double GradientTolerance = 1e-6;
    private const double EdgeMargin = 1e-9;

    /// <summary>Minimises f over the box from a start point (clamped strictly inside the box).</summary>
    /// <param name="f">Value and gradient.</param>
    /// <param name="start">The start point; overwritten with the best point found.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds (each above its lower bound).</param>
    /// <param name="maxEvaluations">The budget of evaluations of f.</param>
    /// <param name="relativeTolerance">Stop when a step improves the value by less than this relative amount.</param>
    /// <returns>The best value found.</returns>
    public static double Minimize(ValueAndGradient f, Span<double> start, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper,
        int maxEvaluations, double relativeTolerance = 1e-9)
    {
        var d = start.Length;
        var u = new double[d];
        var x = new double[d];
        var gx = new double[d];
        var g = new double[d];
        var trialU = new double[d];
        var trialG = new double[d];
        var direction = new double[d];
        var s = new double[d];
        var y = new double[d];
        var hy = new double[d];
        var h = new double[d * d];
        for (var j = 0; j < d; j++)
        {
            var t = Math.Clamp((start[j] - lower[j]) / (upper[j] - lower[j]), EdgeMargin, 1 - EdgeMargin);
            u[j] = Math.Log(t / (1 - t));
        }

        var value = Evaluate(f, u, lower, upper, x, gx, g);
        var evaluations = 1;
        if (!double.IsFinite(value)) { return value; }
        Identity(h, d);
        var unscaled = true;
        while (evaluations < maxEvaluations)
        {
            var slope = 0.0;
            for (var i = 0; i < d; i++)
            {
                var p = 0.0;
                for (var j = 0; j < d; j++) { p -= h[(i * d) + j] * g[j]; }
                direction[i] = p;
                slope += p * g[i];
            }

            if (!(slope < 0))
            {
                Identity(h, d);
                unscaled = true;
                for (var i = 0; i < d; i++) { direction[i] = -g[i]; }
                slope = -Dot(g, g);
                if (!(slope < 0)) { break; }
            }

            // The first step of a steepest-descent direction is at most one unit in u (a factor e in a log hyperparameter).
            var step = 1.0;
            var longest = 0.0;
            for (var i = 0; i < d; i++) { longest = Math.Max(longest, Math.Abs(direction[i])); }
            if (longest > 1) { step = 1 / longest; }
            var accepted = false;
            var trialValue = double.NaN;
            for (var b = 0; b < MaxBacktracks && evaluations < maxEvaluations; b++, step *= 0.5)
            {
                for (var i = 0; i < d; i++) { trialU[i] = u[i] + (step * direction[i]); }
                trialValue = Evaluate(f, trialU, lower, upper, x, gx, trialG);
                evaluations++;
                if (double.IsFinite(trialValue) && trialValue <= value + (Armijo * step * slope)) { accepted = true; break; }
            }

            if (!accepted) { break; }
            for (var i = 0; i < d; i++)
            {
                s[i] = trialU[i] - u[i];
                y[i] = trialG[i] - g[i];
            }

            var improvement = value - trialValue;
            trialU.CopyTo(u, 0);
            trialG.CopyTo(g, 0);
            value = trialValue;
            if (improvement <= relativeTolerance * (Math.Abs(value) + relativeTolerance) || MaxAbs(g) < GradientTolerance) { break; }
            unscaled &= !UpdateInverseHessian(h, s, y, hy, d, unscaled);
        }

        for (var j = 0; j < d; j++) { start[j] = FromUnbounded(u[j], lower[j], upper[j]); }
        return value;
    }

    /// <summary>H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs, skipped unless the curvature yᵀs is positive; on the first
    /// update H is first scaled to yᵀs/yᵀy (Nocedal &amp; Wright 6.20).</summary>
    /// <returns>Whether H was updated.</returns>
    private static bool UpdateInverseHessian(double[] h, double[] s, double[] y, double[] hy, int d, bool unscaled)
    {
        var ys = Dot(y, s);
        if (!(ys > 1e-12 * Math.Sqrt(Dot(y, y) * Dot(s, s)))) { return false; }
        if (unscaled)
        {
            var scale = ys / Dot(y, y);
            for (var i = 0; i < d; i++) { h[(i * d) + i] = scale; }
        }

        var rho = 1 / ys;
        for (var i = 0; i < d; i++)
        {
            var t = 0.0;
            for (var j = 0; j < d; j++) { t += h[(i * d) + j] * y[j]; }
            hy[i] = t;
        }

        var yhy = Dot(y, hy);
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                h[(i * d) + j] += (-rho * ((hy[i] * s[j]) + (s[i] * hy[j]))) + (((rho * rho * yhy) + rho) * s[i] * s[j]);
            }
        }

        return true;
    }

    private static double Evaluate(ValueAndGradient f, double[] u, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper, double[] x, double[] gx, double[] gu)
    {
        for (var j = 0; j < u.Length; j++) { x[j] = FromUnbounded(u[j], lower[j], upper[j]); }
        var value = f(x, gx);
        for (var j = 0; j < u.Length; j++)
        {
            var sigmoid = 1 / (1 + Math.Exp(-u[j]));
            gu[j] = gx[j] * (upper[j] - lower[j]) * sigmoid * (1 - sigmoid);
        }

        return value;
    }

    private static double FromUnbounded(double u, double lower, double upper) => lower + ((upper - lower) / (1 + Math.Exp(-u)));

    private static void Identity(double[] h, int d)
    {
        Array.Clear(h);
        for (var i = 0; i < d; i++) { h[(i * d) + i] = 1; }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) { sum += a[i] * b[i]; }
        return sum;
    }

    private static double MaxAbs(double[] a)
    {
        var max = 0.0;
        foreach (var v in a) { max = Math.Max(max, Math.Abs(v)); }
        return max;
    }
}
