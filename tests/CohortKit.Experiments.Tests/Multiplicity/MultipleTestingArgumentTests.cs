using CohortKit.Experiments.Multiplicity;

namespace CohortKit.Experiments.Tests.Multiplicity;

/// <summary>Boundaries and argument checks of <see cref="MultipleTesting"/>, with hand-computed expectations (mutation
/// testing found that no test reached them).</summary>
public class MultipleTestingArgumentTests
{
    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Adjust_PValueOutsideZeroOne_ThrowsNamingIt(double bad)
    {
        var act = () => MultipleTesting.Adjust([0.2, bad, 0.03], Correction.Holm);

        act.Should().Throw<ArgumentException>().WithParameterName("pValues").WithMessage("pValues[1]*");
    }

    [Fact]
    public void Adjust_PValuesOfExactlyZeroAndOne_AreAccepted()
    {
        // Bonferroni with m = 2: min(1, 2p) -> [0, 1].
        MultipleTesting.Adjust([0.0, 1.0], Correction.Bonferroni).Should().Equal(0.0, 1.0);
    }

    [Fact]
    public void Adjust_None_ReturnsTheRawPValues()
    {
        MultipleTesting.Adjust([0.01, 0.04, 0.03], Correction.None).Should().Equal(0.01, 0.04, 0.03);
    }

    [Fact]
    public void Adjust_HolmWithTies_IsMonotoneInTheRawOrder()
    {
        // Holm on [0.01, 0.01, 0.04]: sorted steps 3·0.01 = 0.03, 2·0.01 = 0.02 -> running max 0.03, 1·0.04 = 0.04.
        MultipleTesting.Adjust([0.01, 0.01, 0.04], Correction.Holm).Should().Equal(0.03, 0.03, 0.04);
    }

    [Theory]
    [InlineData(0.0, 3, "alpha")]
    [InlineData(1.0, 3, "alpha")]
    [InlineData(0.05, 0, "familySize")]
    public void BonferroniAlpha_BadArgument_ThrowsNamingIt(double alpha, int familySize, string parameter)
    {
        var act = () => MultipleTesting.BonferroniAlpha(alpha, familySize);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }
}
