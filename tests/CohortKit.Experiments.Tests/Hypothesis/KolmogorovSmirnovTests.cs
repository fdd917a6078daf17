using CohortKit.Experiments.Hypothesis;

namespace CohortKit.Experiments.Tests.Hypothesis;

public class KolmogorovSmirnovTests
{
    [Theory]
    [InlineData(10, 0.12)]
    [InlineData(50, 0.1)]
    [InlineData(100, 0.08)]
    [InlineData(140, 0.07)]
    public void Durbin_And_Pomeranz_ExactMethods_Agree(int n, double d)
    {
        // Two independent exact algorithms for P(Dn <= d).
        KolmogorovSmirnovTest.DurbinCdf(n, d).Should().BeApproximately(KolmogorovSmirnovTest.PomeranzCdf(n, d), 1e-11);
    }

    [Fact]
    public void Smirnov_MatchesClosedFormForNEquals1()
    {
        // n = 1: P(D1+ >= d) = 1 - d.
        KolmogorovSmirnovTest.SmirnovSurvival(1, 0.3).Should().BeApproximately(0.7, 1e-15);
    }

    [Fact]
    public void Uniform_EmptyOrNaN_Throws()
    {
        var empty = ((Action)(() => KolmogorovSmirnovTest.Uniform([]))).Should().Throw<ArgumentException>().Which;
        empty.ParamName.Should().Be("values");
        empty.Message.Should().StartWith("The sample has 0 observations; at least 1 are needed.");
        ((Action)(() => KolmogorovSmirnovTest.Uniform([0.5, double.NaN]))).Should().Throw<ArgumentException>().WithMessage("*values[1]*");
    }
}
