using System.Text.Json;
using CohortKit.Experiments.Hypothesis;
using CohortKit.Testing;

namespace CohortKit.Experiments.Tests.Hypothesis;

/// <summary>The chi-square tests against SciPy (tests/reference/experiments/chi_square.json): independence of an r×c table
/// with and without Yates' correction, and goodness of fit with ratios given unnormalised.</summary>
public class ChiSquareReferenceTests
{
    private static void Check(ChiSquareResult r, JsonElement c)
    {
        var e = c.GetProperty("expected");
        var name = c.GetProperty("name").GetString();
        var chi2 = e.GetProperty("chiSquare").GetDouble();
        var p = e.GetProperty("pValue").GetDouble();
        r.ChiSquare.Should().BeApproximately(chi2, Math.Max(1e-12, 1e-10 * chi2), name);
        r.DegreesOfFreedom.Should().Be(e.GetProperty("degreesOfFreedom").GetInt32(), name);
        r.PValue.Should().BeApproximately(p, 1e-10 * p, name);
    }

    [Fact]
    public void Independence_MatchesScipyChi2Contingency()
    {
        var cases = SharedData.Reference("experiments/chi_square.json").GetProperty("independence").EnumerateArray().ToList();
        cases.Should().HaveCount(6);
        foreach (var c in cases)
        {
            var rows = c.GetProperty("table").EnumerateArray().Select(row => row.EnumerateArray().Select(x => x.GetInt64()).ToArray()).ToArray();
            var table = new long[rows.Length, rows[0].Length];
            for (var i = 0; i < rows.Length; i++) { for (var j = 0; j < rows[0].Length; j++) { table[i, j] = rows[i][j]; } }
            Check(ChiSquareTest.Independence(table, c.GetProperty("yatesCorrection").GetBoolean()), c);
        }
    }

    [Fact]
    public void GoodnessOfFit_UnnormalisedRatios_MatchScipyChisquare()
    {
        var cases = SharedData.Reference("experiments/chi_square.json").GetProperty("goodnessOfFit").EnumerateArray().ToList();
        cases.Should().HaveCount(3);
        foreach (var c in cases)
        {
            var observed = c.GetProperty("observed").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            Check(ChiSquareTest.GoodnessOfFit(observed, c.Doubles("expectedRatios")), c);
        }
    }

    [Fact]
    public void SampleRatioMismatch_UnnormalisedDesign_MatchesScipy()
    {
        // The SRM check is the goodness-of-fit test on arm counts; a 90:10 design given as percentages.
        var c = SharedData.Reference("experiments/chi_square.json").GetProperty("goodnessOfFit").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "percent_ratios");
        var r = SampleRatioMismatch.Check([9_050, 950], [90, 10], threshold: 0.1);
        r.ChiSquare.Should().BeApproximately(2.7777777777777777, 1e-12);
        r.PValue.Should().BeApproximately(c.GetProperty("expected").GetProperty("pValue").GetDouble(), 1e-12);
        r.IsMismatch.Should().BeTrue("p = 0.0956 is below the 0.1 threshold");
        r.ExpectedRatios.Should().Equal(0.9, 0.1);
        SampleRatioMismatch.Check([9_050, 950], [90, 10], threshold: 0.05).IsMismatch.Should().BeFalse();
    }

    [Fact]
    public void BadArguments_ThrowNamingThem()
    {
        ((Action)(() => ChiSquareTest.GoodnessOfFit([5], [1.0]))).Should().Throw<ArgumentException>().WithParameterName("observed");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([5, -1], [1.0, 1]))).Should().Throw<ArgumentException>().WithParameterName("observed");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([0, 0], [1.0, 1]))).Should().Throw<ArgumentException>().WithParameterName("observed");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([5, 5], [1.0, 0]))).Should().Throw<ArgumentException>().WithParameterName("expectedRatios");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([5, 5], [1.0, double.PositiveInfinity]))).Should().Throw<ArgumentException>().WithParameterName("expectedRatios");
        ((Action)(() => ChiSquareTest.GoodnessOfFit([5, 5], [1.0, 1, 1]))).Should().Throw<ArgumentException>().WithMessage("*2 categories*3*");
        ChiSquareTest.GoodnessOfFit([0, 5], [1.0, 1]).DegreesOfFreedom.Should().Be(1, "an empty category is a valid observation");
        ((Action)(() => ChiSquareTest.Independence(null!))).Should().Throw<ArgumentNullException>().WithParameterName("table");
        ((Action)(() => ChiSquareTest.Independence(new long[1, 3]))).Should().Throw<ArgumentException>().WithParameterName("table");
        ((Action)(() => ChiSquareTest.Independence(new long[3, 1]))).Should().Throw<ArgumentException>().WithParameterName("table");
        ((Action)(() => ChiSquareTest.Independence(new long[,] { { 1, -2 }, { 3, 4 } }))).Should().Throw<ArgumentException>().WithMessage("*negative*");
        ((Action)(() => ChiSquareTest.Independence(new long[,] { { 0, 0 }, { 3, 4 } }))).Should().Throw<ArgumentException>().WithMessage("*empty*");
        ((Action)(() => SampleRatioMismatch.Check([5, 5], [1.0, 1], threshold: 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("threshold");

        ((Action)(() => MannWhitneyUTest.Test([], [1.0, 2]))).Should().Throw<ArgumentException>().WithParameterName("control");
        ((Action)(() => MannWhitneyUTest.Test([1.0, 2], []))).Should().Throw<ArgumentException>().WithParameterName("treatment");
        ((Action)(() => MannWhitneyUTest.Test([double.NaN, 2], [1.0, 2]))).Should().Throw<ArgumentException>().WithParameterName("control");
        ((Action)(() => MannWhitneyUTest.Test([1.0, 2], [1.0, double.PositiveInfinity]))).Should().Throw<ArgumentException>().WithParameterName("treatment");
        ((Action)(() => MannWhitneyUTest.Compute([3.0, 3], [3.0, 3, 3]))).Should().Throw<ArgumentException>().WithMessage("*rank test*", "the rank test's own message leads");
        MannWhitneyUTest.Test([1.0], [2.0]).U.Should().Be(1, "one unit per arm is a valid rank test");

        ((Action)(() => TwoProportionZTest.Compute(1, 1, 5, 10, alpha: 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("alpha");
        ((Action)(() => TwoProportionZTest.Compute(1, 1, 5, 10))).Should().Throw<ArgumentException>().WithParameterName("controlN");
        ((Action)(() => TwoProportionZTest.Compute(1, 10, 5, 1))).Should().Throw<ArgumentException>().WithParameterName("treatmentN");
        ((Action)(() => TwoProportionZTest.Compute(11, 10, 5, 10))).Should().Throw<ArgumentException>().WithMessage("*controlSuccesses*");
        ((Action)(() => TwoProportionZTest.Compute(-1, 10, 5, 10))).Should().Throw<ArgumentException>().WithMessage("*controlSuccesses*");
        ((Action)(() => TwoProportionZTest.Compute(1, 10, 11, 10))).Should().Throw<ArgumentException>().WithMessage("*treatmentSuccesses*");
        ((Action)(() => TwoProportionZTest.Compute(1, 10, -1, 10))).Should().Throw<ArgumentException>().WithMessage("*treatmentSuccesses*");
        TwoProportionZTest.Compute(10, 10, 0, 10).PValue.Should().BeLessThan(0.001, "all and none are valid counts");
    }
}
