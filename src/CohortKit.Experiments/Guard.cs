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
}
