using CohortKit.Personalization.Tuning;

namespace CohortKit.Personalization.Tests.Tuning;

/// <summary>The bounded BFGS minimiser on functions with known minima.</summary>
public sealed class BfgsTests
{
    [Fact]
    public void Minimize_Rosenbrock_FindsTheMinimumAtOneOne()
    {
        // f(a, b) = (1 − a)² + 100(b − a²)², minimum 0 at (1, 1), inside the box [−2, 3]².
        double[] point = [-1.2, 1.0];
        var value = Bfgs.Minimize(Rosenbrock, point, [-2.0, -2.0], [3.0, 3.0], 2_000, relativeTolerance: 0);
        value.Should().BeLessThan(1e-10);
        point[0].Should().BeApproximately(1, 1e-4);
        point[1].Should().BeApproximately(1, 1e-4);
    }

    [Fact]
    public void Minimize_MinimumOutsideTheBox_StopsAtTheBound()
    {
        // f(a) = (a − 5)², box [0, 2]: the constrained minimum is a = 2, f = 9.
        double[] point = [0.5];
        var value = Bfgs.Minimize((x, g) => { g[0] = 2 * (x[0] - 5); return (x[0] - 5) * (x[0] - 5); }, point, [0.0], [2.0], 500, relativeTolerance: 0);
        point[0].Should().BeInRange(1.999, 2.0);
        value.Should().BeApproximately(9, 0.01);
    }

    [Fact]
    public void Minimize_NonFiniteRegion_BacksOffAndKeepsTheBestFinitePoint()
    {
        // f(a) = a² for a ≥ −1, +∞ below: the minimum 0 at a = 0 is reached from a = 3 without stepping into the hole for good.
        double[] point = [3.0];
        var value = Bfgs.Minimize((x, g) => { g[0] = 2 * x[0]; return x[0] < -1 ? double.PositiveInfinity : x[0] * x[0]; }, point, [-10.0], [10.0], 500, relativeTolerance: 0);
        value.Should().BeLessThan(1e-8);
        point[0].Should().BeApproximately(0, 1e-4);
    }

    private static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
    {
        var (a, b) = (x[0], x[1]);
        g[0] = (-2 * (1 - a)) - (400 * a * (b - (a * a)));
        g[1] = 200 * (b - (a * a));
        return ((1 - a) * (1 - a)) + (100 * (b - (a * a)) * (b - (a * a)));
    }
}
