using System.Globalization;

namespace CohortKit.Churn.Lifetimes;

/// <summary>Checks one customer's (x, t_x, T), naming the field and row of a bad value.</summary>
internal static class BgNbdData
{
    public const string Frequency = "frequency";
    public const string Recency = "recency";
    public const string Age = "age";

    /// <exception cref="ArgumentException">x is not a whole number ≥ 0, t_x is outside [0, T], T ≤ 0, a value is not finite,
    /// or x = 0 with t_x ≠ 0.</exception>
    public static void Check(double x, double recency, double age, int row)
    {
        if (!(x >= 0 && double.IsFinite(x) && x == Math.Floor(x)))
        {
            throw Bad(Frequency, row, x, "The number of repeat transactions must be a whole number ≥ 0.");
        }

        if (!(age > 0 && double.IsFinite(age)))
        {
            throw Bad(Age, row, age, "The age T must be finite and > 0.");
        }

        if (!(recency >= 0 && recency <= age))
        {
            throw Bad(Recency, row, recency, $"The recency must be in [0, T = {age.ToString(CultureInfo.InvariantCulture)}].");
        }

        if (x == 0 && recency != 0)
        {
            throw Bad(Recency, row, recency, "A customer with no repeat transaction has recency 0.");
        }
    }

    private static ArgumentException Bad(string field, int row, double value, string problem)
        => new($"{field}, row {(row + 1).ToString(CultureInfo.InvariantCulture)}, value {value.ToString(CultureInfo.InvariantCulture)}: {problem}", field);
}
