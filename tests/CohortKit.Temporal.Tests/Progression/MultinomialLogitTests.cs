using CohortKit.Errors;
using CohortKit.Temporal.Progression;
using CohortKit.Testing;

namespace CohortKit.Temporal.Tests.Progression;

/// <summary>The Newton fit against tests/reference/temporal/multinomial_logit.json (statsmodels MNLogit; SciPy BFGS on the
/// penalised objective).</summary>
public class MultinomialLogitTests
{
    private const double Coefficient = 1e-8;
    private const double StandardError = 1e-6;
    // BFGS with gtol 1e-10 stops a few 1e-8 from the optimum; Newton reaches it.
    private const double Ridge = 1e-6;

    private static (double[] X, int[] Y, int Rows, int Classes, System.Text.Json.JsonElement Reference) Load()
    {
        var r = SharedData.Reference("temporal/multinomial_logit.json");
        var x = r.GetProperty("x").EnumerateArray().SelectMany(row => row.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        var y = r.GetProperty("y").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        return (x, y, y.Length, r.GetProperty("classes").GetInt32(), r);
    }

    private static double[][] Matrix(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    private static void Close(double[][] actual, double[][] expected, double tolerance, string what)
    {
        actual.Should().HaveSameCount(expected);
        for (var k = 0; k < expected.Length; k++)
        {
            for (var j = 0; j < expected[k].Length; j++) { actual[k][j].Should().BeApproximately(expected[k][j], tolerance, $"{what}[{k}][{j}]"); }
        }
    }

    [Fact]
    public void Fit_MatchesStatsmodelsMNLogit()
    {
        var (x, y, n, classes, reference) = Load();
        var fit = MultinomialLogit.Fit(x, y, n, 2, classes, l2: 0, "test");
        var mle = reference.GetProperty("mle");
        Close(fit.Coefficients, Matrix(mle.GetProperty("coefficients")), Coefficient, "coefficients");
        Close(fit.StandardErrors, Matrix(mle.GetProperty("standardErrors")), StandardError, "standard errors");
        fit.LogLikelihood.Should().BeApproximately(mle.GetProperty("logLikelihood").GetDouble(), 1e-8);
    }

    [Fact]
    public void Fit_WithL2_MatchesScipyOnThePenalisedObjective()
    {
        var (x, y, n, classes, reference) = Load();
        var ridge = reference.GetProperty("ridge");
        var fit = MultinomialLogit.Fit(x, y, n, 2, classes, ridge.GetProperty("lambda").GetDouble(), "test");
        Close(fit.Coefficients, Matrix(ridge.GetProperty("coefficients")), Ridge, "ridge coefficients");
    }

    [Fact]
    public void Fit_SeparatedClasses_ThrowsWithoutL2_AndConvergesWithIt()
    {
        // x < 0 always gives class 0, x > 0 class 1: the likelihood grows without bound as the slope does.
        double[] x = [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2];
        int[] y = [0, 0, 0, 0, 1, 1, 1, 1];
        var act = () => MultinomialLogit.Fit(x, y, 8, 1, 2, l2: 0, "Transitions from Active");
        act.Should().Throw<CohortKitException>().WithMessage("Transitions from Active: *separate*L2*");
        var ridge = MultinomialLogit.Fit(x, y, 8, 1, 2, l2: 1, "test");
        ridge.Coefficients[0][1].Should().BePositive().And.BeLessThan(10);
    }
}
