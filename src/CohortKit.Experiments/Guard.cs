namespace CohortKit.Experiments;

/// <summary>Argument checks shared by the tests.</summary>
internal static class Guard
{
    public static void Alpha(double alpha, string name = "alpha")
    {
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(name, alpha, $"{name} must be in (0, 1).");
        }
    }

    public static void Probability(double value, string name)
    {
        if (!(value is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1).");
        }
    }

    public static void AtLeast(long n, long minimum, string name, string what)
    {
        if (n < minimum)
        {
            throw new ArgumentException($"{what} has {n} observation{(n == 1 ? "" : "s")}; at least {minimum} are needed.", name);
        }
    }

    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {values[i]}; values must be finite.", name);
            }
        }
    }

    /// <summary>The one finite check for named columns: "<paramref name="what"/> has NaN at unit 3".</summary>
    /// <param name="values">The values.</param>
    /// <param name="what">The column as a reader knows it, e.g. <c>Metric 'minutes'</c>.</param>
    /// <param name="parameter">The parameter that carried the column.</param>
    public static void Finite(ReadOnlySpan<double> values, string what, string parameter)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{what} has {values[i]} at unit {i}; values must be finite.", parameter);
            }
        }
    }
}
