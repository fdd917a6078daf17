namespace CohortKit.Simulation.Model;

/// <summary>A categorical attribute the simulator draws: its categories and their probabilities (ground truth).</summary>
/// <param name="Name">The attribute (column) name.</param>
/// <param name="Categories">The category names.</param>
/// <param name="Probabilities">The probability of each category; they sum to 1.</param>
public sealed record AttributeDistribution(string Name, IReadOnlyList<string> Categories, IReadOnlyList<double> Probabilities)
{
    /// <summary>Gets the probability of one category.</summary>
    /// <param name="category">The category name.</param>
    /// <returns>Its probability.</returns>
    /// <exception cref="ArgumentException">The category does not exist.</exception>
    public double ProbabilityOf(string category)
    {
        for (var i = 0; i < Categories.Count; i++)
        {
            if (Categories[i] == category)
            {
                return Probabilities[i];
            }
        }

        throw new ArgumentException($"'{category}' is not a category of '{Name}'.", nameof(category));
    }

    internal double[] Cumulative()
    {
        var c = new double[Probabilities.Count];
        double s = 0;
        for (var i = 0; i < c.Length; i++)
        {
            s += Probabilities[i];
            c[i] = s;
        }

        c[^1] = 1;
        return c;
    }
}

/// <summary>A country the simulator places learners in, with its region, locale and UTC offset.</summary>
/// <param name="Code">ISO 3166 alpha-2 code.</param>
/// <param name="Region">Americas, EU or Asia.</param>
/// <param name="Locale">The usual locale (BCP 47).</param>
/// <param name="UtcOffsetMinutes">The standard-time offset from UTC in minutes (daylight saving is ignored).</param>
/// <param name="ProbabilityWithinRegion">The share of the region's learners in this country.</param>
public sealed record Country(string Code, string Region, string Locale, int UtcOffsetMinutes, double ProbabilityWithinRegion);
