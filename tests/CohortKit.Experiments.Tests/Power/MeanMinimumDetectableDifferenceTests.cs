using CohortKit.Experiments.Power;

namespace CohortKit.Experiments.Tests.Power;

/// <summary><see cref="PowerAnalysis.MeanMinimumDetectableDifference"/> against the normal-approximation closed form, which
/// the t-test's answer approaches when the arms are large.</summary>
public class MeanMinimumDetectableDifferenceTests
{
    // Φ⁻¹(0.975) and Φ⁻¹(0.8), and Φ⁻¹(0.995), Φ⁻¹(0.9) (standard normal quantiles, 16 digits).
    private const double Z975 = 1.959963984540054;
    private const double Z80 = 0.8416212335729143;
    private const double Z995 = 2.5758293035489004;
    private const double Z90 = 1.2815515655446004;

    [Theory]
    [InlineData(12.5, 1_000_000, 1.0, 0.05, Z975, 0.8, Z80)]
    [InlineData(0.3, 400_000, 2.5, 0.01, Z995, 0.9, Z90)]
    public void MeanMinimumDetectableDifference_LargeArms_IsTheNormalClosedForm(double sd, double n, double ratio, double alpha, double zAlpha, double power, double zPower)
    {
        // Two-sided, σ shared by the arms: |Δ| = (z₁₋α/₂ + z_power) · σ · √(1/n + 1/(r·n)). With df in the millions the
        // t quantiles and the ignored far tail move this by under 1e-5 of its value.
        var closedForm = (zAlpha + zPower) * sd * Math.Sqrt(1 / n + 1 / (ratio * n));

        var mde = PowerAnalysis.MeanMinimumDetectableDifference(sd, n, alpha, power, ratio);

        mde.Should().BeApproximately(closedForm, 1e-5 * closedForm);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void MeanMinimumDetectableDifference_SdNotPositiveAndFinite_Throws(double sd)
    {
        ((Action)(() => PowerAnalysis.MeanMinimumDetectableDifference(sd, 100))).Should().Throw<ArgumentOutOfRangeException>()
            .And.ParamName.Should().Be("baselineSd");
    }
}
