namespace CohortKit.Personalization.Tuning;

/// <summary>A plain Nelder–Mead minimiser (reflection 1, expansion 2, contraction ½, shrink ½), deterministic, with an
/// evaluation budget; it returns the best point seen, never throws for lack of convergence.</summary>
internal static class NelderMead
{
    public static (double[] Point, double Value) Minimize(Func<double[], double> f, double[] start, double step, int maxEvaluations, double tolerance = 1e-6)
    {
        var d = start.Length;
        var simplex = new double[d + 1][];
        var values = new double[d + 1];
        simplex[0] = (double[])start.Clone();
        values[0] = f(simplex[0]);
        for (var i = 0; i < d; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += step;
            values[i + 1] = f(simplex[i + 1]);
        }

        var evaluations = d + 1;
        var centroid = new double[d];
        while (evaluations < maxEvaluations)
        {
            Array.Sort(values, simplex);
            if (Math.Abs(values[d] - values[0]) <= tolerance * (Math.Abs(values[0]) + tolerance)) { break; }
            Array.Clear(centroid);
            for (var i = 0; i < d; i++) { for (var j = 0; j < d; j++) { centroid[j] += simplex[i][j] / d; } }
            var reflected = Along(centroid, simplex[d], -1);
            var fr = f(reflected);
            evaluations++;
            if (fr < values[0])
            {
                var expanded = Along(centroid, simplex[d], -2);
                var fe = f(expanded);
                evaluations++;
                (simplex[d], values[d]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[d - 1])
            {
                (simplex[d], values[d]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[d] ? Along(centroid, simplex[d], -0.5) : Along(centroid, simplex[d], 0.5);
                var fc = f(contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[d])) { (simplex[d], values[d]) = (contracted, fc); }
                else
                {
                    for (var i = 1; i <= d; i++)
                    {
                        for (var j = 0; j < d; j++) { simplex[i][j] = simplex[0][j] + (0.5 * (simplex[i][j] - simplex[0][j])); }
                        values[i] = f(simplex[i]);
                    }

                    evaluations += d;
                }
            }
        }

        var best = 0;
        for (var i = 1; i <= d; i++) { if (values[i] < values[best]) { best = i; } }
        return (simplex[best], values[best]);
    }

    /// <summary>centroid + t·(point − centroid).</summary>
    private static double[] Along(double[] centroid, double[] point, double t)
    {
        var result = new double[centroid.Length];
        for (var j = 0; j < result.Length; j++) { result[j] = centroid[j] + (t * (point[j] - centroid[j])); }
        return result;
    }
}
