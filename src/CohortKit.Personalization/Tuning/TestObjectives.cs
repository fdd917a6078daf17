namespace CohortKit.Personalization.Tuning;

/// <summary>Standard optimisation test functions with known minima, for checking and benchmarking tuners.</summary>
public static class TestObjectives
{
    /// <summary>The global minimum of Branin, 0.397887 (at (−π, 12.275), (π, 2.275) and (9.42478, 2.475)).</summary>
    public const double BraninMinimum = 0.397887;

    /// <summary>The global minimum of Hartmann-6, −3.32237.</summary>
    public const double Hartmann6Minimum = -3.32237;

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    /// <summary>Gets Branin's domain: x1 ∈ [−5, 10], x2 ∈ [0, 15].</summary>
    public static SearchSpace BraninSpace { get; } = new(ParameterSpec.Continuous("x1", -5, 10), ParameterSpec.Continuous("x2", 0, 15));

    /// <summary>Gets Hartmann-6's domain: x1..x6 ∈ [0, 1].</summary>
    public static SearchSpace Hartmann6Space { get; } = new([.. Enumerable.Range(1, 6).Select(i => ParameterSpec.Continuous($"x{i}", 0, 1))]);

    /// <summary>Branin: <c>(x2 − 5.1x1²/(4π²) + 5x1/π − 6)² + 10(1 − 1/(8π))cos x1 + 10</c>.</summary>
    /// <param name="p">A point of <see cref="BraninSpace"/>.</param>
    /// <returns>The value.</returns>
    public static double Branin(ParameterSet p)
    {
        ArgumentNullException.ThrowIfNull(p);
        double x1 = p["x1"], x2 = p["x2"];
        var t = x2 - (5.1 / (4 * Math.PI * Math.PI) * x1 * x1) + (5 / Math.PI * x1) - 6;
        return (t * t) + (10 * (1 - (1 / (8 * Math.PI))) * Math.Cos(x1)) + 10;
    }

    /// <summary>Hartmann-6: <c>−Σ_i α_i exp(−Σ_j A_ij (x_j − P_ij)²)</c>.</summary>
    /// <param name="p">A point of <see cref="Hartmann6Space"/>.</param>
    /// <returns>The value.</returns>
    public static double Hartmann6(ParameterSet p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var value = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var s = 0.0;
            for (var j = 0; j < 6; j++)
            {
                var dx = p.Raw[j] - HartmannP[i, j];
                s += HartmannA[i, j] * dx * dx;
            }

            value -= HartmannAlpha[i] * Math.Exp(-s);
        }

        return value;
    }
}
