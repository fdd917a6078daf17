using CohortKit.Experiments.Hypothesis;
using CohortKit.Experiments.Clustering;
using CohortKit.Experiments.Power;
using CohortKit.Experiments.VarianceReduction;
using CohortKit.Metrics;

namespace CohortKit.Experiments.Tests.BadInput;

public class BadInputTests
{
    [Fact]
    public void Welch_TooFewObservations_Throws() =>
        ((Action)(() => WelchTTest.Compute([1.0], [1.0, 2.0]))).Should().Throw<ArgumentException>().WithMessage("*control arm has 1 observation*");

    [Fact]
    public void Welch_ZeroVarianceInBothArms_Throws() =>
        ((Action)(() => WelchTTest.Compute([1.0, 1.0], [2.0, 2.0]))).Should().Throw<ArgumentException>().WithMessage("*zero variance*");

    [Fact]
    public void Welch_TwoConstantArmsOfManyCopies_ThrowsInsteadOfATinyPValue()
    {
        // 5,000 copies of 12.7 leave a rounding residue of ~1e-28 in a summary's variance; two such arms gave p = 0.0068.
        var control = Enumerable.Repeat(12.7, 5_000).ToArray();
        var treatment = Enumerable.Repeat(12.7, 4_000).ToArray();
        ((Action)(() => WelchTTest.Compute(control, treatment))).Should().Throw<ArgumentException>().WithMessage("*zero variance*").And.ParamName.Should().Be("treatment");
    }

    [Fact]
    public void Welch_NaN_ThrowsNamingTheArmAndIndex() =>
        ((Action)(() => WelchTTest.Compute([1.0, 2, 3], [2.0, double.PositiveInfinity, 4]))).Should().Throw<ArgumentException>().WithMessage("treatment: *index 1*");

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void AlphaOutsideZeroOne_Throws(double alpha)
    {
        ((Action)(() => WelchTTest.Compute(MetricSummary.FromSpan([1.0, 2]), MetricSummary.FromSpan([1.0, 3]), alpha))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("alpha");
        ((Action)(() => PowerAnalysis.TTestSampleSize(0.2, alpha))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("alpha");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.01)]
    public void PowerOutsideAlphaOne_Throws(double power) =>
        ((Action)(() => PowerAnalysis.TTestSampleSize(0.2, 0.05, power))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("power");

    [Fact]
    public void MismatchedLengths_Throw()
    {
        ((Action)(() => Cuped.Compute([1.0, 2, 3], [1.0, 2], [true, false, true]))).Should().Throw<ArgumentException>().WithMessage("*equal lengths*");
        ((Action)(() => ClusterRobust.Compute([1.0, 2, 3], [true, false], [1, 2, 3]))).Should().Throw<ArgumentException>().WithMessage("*equal lengths*");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([1, 2], [0.5, 0.25, 0.25]))).Should().Throw<ArgumentException>().And.ParamName.Should().Be("expectedRatios");
    }

    [Fact]
    public void Cuped_CovariateWithNaN_OrConstant_Throws()
    {
        ((Action)(() => Cuped.Compute([1.0, 2, 3, 4], [1.0, double.NaN, 3, 4], [true, false, true, false]))).Should().Throw<ArgumentException>().WithMessage("covariate[1]*");
        ((Action)(() => Cuped.Compute([1.0, 2, 3, 4], [5.0, 5, 5, 5], [true, false, true, false]))).Should().Throw<ArgumentException>().WithMessage("*constant*");
    }

    [Fact]
    public void Proportion_NoVariation_Throws() =>
        ((Action)(() => TwoProportionZTest.Compute(0, 100, 0, 100))).Should().Throw<ArgumentException>().WithMessage("*same outcome*");

    [Fact]
    public void RelativeEffect_ControlMeanZero_IsNullNotNaN()
    {
        var r = WelchTTest.Compute([-1.0, 1, -2, 2], [0.5, 1.5, 1, 2]);
        r.RelativeEffect.Should().BeNull();
        r.RelativeInterval.Should().BeNull();
        double.IsFinite(r.PValue).Should().BeTrue();
    }
}
