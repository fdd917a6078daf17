using System.Runtime.Intrinsics;
using CohortKit.Personalization.Engine;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>The quadratures' vector exponential against <see cref="Math.Exp"/> (the runtime's, correctly rounded to within
/// an ulp): relative error within 5e-16 wherever the result is a normal number, each value in every lane, and the clamp.</summary>
public sealed class VectorExpTests
{
    [Fact]
    public void Exp_RandomArgumentsFromMinus700To700_WithinFiveTenthsOfAQuadrillionthRelative()
    {
        var random = new Random(5);
        var worst = 0.0;
        for (var i = 0; i < 200_000; i++)
        {
            // Half the draws where the quadratures use it (−50 to 30), half over the whole range; each in a lane of its own.
            var x = i % 2 == 0 ? -50 + (80 * random.NextDouble()) : -700 + (1400 * random.NextDouble());
            var lane = i % 4;
            var value = VectorExp.Exp(Vector256.Create(0.5, -1.5, 3, -7).WithElement(lane, x)).GetElement(lane);
            worst = Math.Max(worst, Math.Abs(value - Math.Exp(x)) / Math.Exp(x));
        }

        worst.Should().BeLessThan(5e-16);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, Math.E)]
    [InlineData(-0.34657359027997264, 0.7071067811865476)] // −ln 2 / 2, the reduction's edge: 1/√2
    [InlineData(0.34657359027997264, 1.4142135623730951)]
    public void Exp_KnownValues_MatchTheirClosedForms(double x, double expected)
    {
        var value = VectorExp.Exp(Vector256.Create(x)).GetElement(0);
        (Math.Abs(value - expected) / expected).Should().BeLessThan(5e-16);
    }

    [Fact]
    public void Exp_BeyondTheRange_IsClampedToTheEnds()
    {
        var values = VectorExp.Exp(Vector256.Create(-1e6, -709.5, 710, 1e6));
        values.GetElement(0).Should().BeApproximately(Math.Exp(-708), 1e-320).And.BeGreaterThan(0);
        values.GetElement(1).Should().BeApproximately(Math.Exp(-708), 1e-320);
        (values.GetElement(2) / Math.Exp(709)).Should().BeApproximately(1, 5e-16);
        double.IsFinite(values.GetElement(3)).Should().BeTrue();
    }
}
