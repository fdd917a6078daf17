using System.Globalization;
using System.Text.Json;
using CohortKit.Churn.Lifetimes;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Lifetimes;

/// <summary>BG/NBD on the CDNOW sample against the published figures (tests/reference/churn/cdnow_bgnbd.json).</summary>
public sealed class CdnowReferenceTests
{
    private static readonly JsonElement Reference = SharedData.Reference("churn/cdnow_bgnbd.json");

    [DataFact("cdnow")]
    public void Fit_Cdnow_ReproducesPublishedParametersAndLogLikelihood()
    {
        var fit = FitCdnow();
        var published = Reference.GetProperty("published");
        fit.Converged.Should().BeTrue();
        fit.Customers.Should().Be(2357);
        SignificantDigits(fit.Parameters.R, 3).Should().Be(published.GetProperty("r").GetDouble());
        SignificantDigits(fit.Parameters.Alpha, 4).Should().Be(published.GetProperty("alpha").GetDouble());
        SignificantDigits(fit.Parameters.A, 3).Should().Be(published.GetProperty("a").GetDouble());
        SignificantDigits(fit.Parameters.B, 4).Should().Be(published.GetProperty("b").GetDouble());
        Math.Round(fit.LogLikelihood, 1).Should().Be(published.GetProperty("logLikelihood").GetDouble());

        var r = Reference.GetProperty("rSelfCheck");
        fit.Parameters.R.Should().BeApproximately(r.GetProperty("r").GetDouble(), 2e-6);
        fit.Parameters.Alpha.Should().BeApproximately(r.GetProperty("alpha").GetDouble(), 2e-5);
        fit.Parameters.A.Should().BeApproximately(r.GetProperty("a").GetDouble(), 2e-5);
        fit.Parameters.B.Should().BeApproximately(r.GetProperty("b").GetDouble(), 5e-5);
        fit.LogLikelihood.Should().BeApproximately(r.GetProperty("logLikelihood").GetDouble(), 1e-3);
    }

    [DataFact("cdnow")]
    public void ExpectedTransactions_CdnowFit_MatchesHardiesSheet()
    {
        // The sheet's values are rounded to 4 decimals and its E[X(78)] = 1.8576 sits 3.7e-4 below SciPy's hyp2f1 at the
        // same parameters (1.85797), so the tolerance is 4e-4; the SciPy values are checked to 1e-5 below.
        Check(FitCdnow().Parameters, Reference.GetProperty("unconditionalExpectation"), 4e-4);
    }

    [Fact]
    public void ExpectedTransactions_RSelfCheckParameters_MatchesSciPyHypergeometric()
    {
        var r = Reference.GetProperty("rSelfCheck");
        var p = new BgNbdParameters { R = r.GetProperty("r").GetDouble(), Alpha = r.GetProperty("alpha").GetDouble(), A = r.GetProperty("a").GetDouble(), B = r.GetProperty("b").GetDouble() };
        Check(p, Reference.GetProperty("scipyUnconditionalExpectation"), 1e-9);
    }

    private static void Check(BgNbdParameters p, JsonElement u, double tolerance)
    {
        var t = u.GetProperty("t").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expected = u.GetProperty("expected").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < t.Length; i++)
        {
            p.ExpectedTransactions(t[i]).Should().BeApproximately(expected[i], tolerance, $"E[X({t[i]})]");
        }
    }

    [DataFact("cdnow")]
    public void ConditionalExpectedTransactions_CdnowFit_MatchesPublishedValues()
    {
        var p = FitCdnow().Parameters;
        var c = Reference.GetProperty("conditionalExpectation");
        p.ConditionalExpectedTransactions(c.GetProperty("t").GetDouble(), c.GetProperty("x").GetDouble(), c.GetProperty("tx").GetDouble(), c.GetProperty("T").GetDouble())
            .Should().BeApproximately(c.GetProperty("expected").GetDouble(), 5e-4);
        foreach (var top in Reference.GetProperty("topNextWeek").EnumerateArray())
        {
            p.ConditionalExpectedTransactions(1, top.GetProperty("x").GetDouble(), top.GetProperty("tx").GetDouble(), top.GetProperty("T").GetDouble())
                .Should().BeApproximately(top.GetProperty("expected").GetDouble(), 5e-5, $"customer {top.GetProperty("id").GetInt32()}");
        }
    }

    [Fact]
    public void ProbabilityOfTransactions_PublishedParameters_MatchesBtydValues()
    {
        var p = new BgNbdParameters { R = 0.243, Alpha = 4.414, A = 0.793, B = 2.426 };
        foreach (var c in Reference.GetProperty("probabilityOfTransactions").EnumerateArray())
        {
            var expected = c.GetProperty("probability").GetDouble();
            p.ProbabilityOfTransactions(c.GetProperty("n").GetInt32(), c.GetProperty("t").GetDouble())
                .Should().BeApproximately(expected, expected * 1e-5);
        }
    }

    internal static BgNbdFit FitCdnow()
    {
        var (x, tx, age) = LoadCdnow();
        return new BgNbdFitter().Fit(x, tx, age);
    }

    internal static (double[] X, double[] Tx, double[] T) LoadCdnow()
    {
        var lines = File.ReadAllLines(Path.Combine(SharedData.RequireDataset("cdnow"), "cdnow_customers_summary.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        double Col(string[] f, int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return (lines.Select(f => Col(f, 1)).ToArray(), lines.Select(f => Col(f, 2)).ToArray(), lines.Select(f => Col(f, 3)).ToArray());
    }

    private static double SignificantDigits(double value, int digits)
    {
        var scale = Math.Pow(10, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value * scale) / scale;
    }
}
