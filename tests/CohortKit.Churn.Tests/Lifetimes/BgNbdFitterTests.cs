using CohortKit.Churn.Lifetimes;
using MathNet.Numerics.Distributions;

namespace CohortKit.Churn.Tests.Lifetimes;

public sealed class BgNbdFitterTests
{
    /// <summary>Simulates the BG/NBD story itself: λ ~ Gamma(r, α), p ~ Beta(a, b); Poisson(λ) transactions after the first at
    /// time 0, dropout with probability p after each; observed over (0, T].</summary>
    internal static (double[] X, double[] Tx, double[] T) Simulate(BgNbdParameters truth, int customers, Random random)
    {
        var x = new double[customers];
        var tx = new double[customers];
        var age = new double[customers];
        for (var i = 0; i < customers; i++)
        {
            var horizon = 20 + (i % 41); // ages 20..60 periods, as with staggered first purchases
            var lambda = Gamma.Sample(random, truth.R, truth.Alpha);
            var p = Beta.Sample(random, truth.A, truth.B);
            double t = 0, last = 0;
            var count = 0;
            while (true)
            {
                t += Exponential.Sample(random, lambda);
                if (t > horizon) { break; }
                count++;
                last = t;
                if (random.NextDouble() < p) { break; }
            }

            x[i] = count;
            tx[i] = last;
            age[i] = horizon;
        }

        return (x, tx, age);
    }

    [Fact]
    public void Fit_DataSimulatedFromKnownParameters_RecoversThem()
    {
        var truth = new BgNbdParameters { R = 0.5, Alpha = 6, A = 0.8, B = 3 };
        var (x, tx, age) = Simulate(truth, 30_000, new Random(20261129));
        var fit = new BgNbdFitter().Fit(x, tx, age);
        fit.Converged.Should().BeTrue();
        // The dropout parameters a and b are identified only through the repeat customers' gaps, so their bounds are wider.
        fit.Parameters.R.Should().BeApproximately(truth.R, 0.07 * truth.R);
        fit.Parameters.Alpha.Should().BeApproximately(truth.Alpha, 0.08 * truth.Alpha);
        fit.Parameters.A.Should().BeApproximately(truth.A, 0.3 * truth.A);
        fit.Parameters.B.Should().BeApproximately(truth.B, 0.35 * truth.B);
    }

    [Fact]
    public void ProbabilityAlive_ClosedForm_MatchesFaderHardieLeeEquation()
    {
        var p = new BgNbdParameters { R = 0.243, Alpha = 4.414, A = 0.793, B = 2.426 };
        // 1 / (1 + a/(b+x-1) * ((α+T)/(α+t_x))^(r+x)) written out for x = 3, t_x = 20, T = 38.
        var expected = 1 / (1 + 0.793 / (2.426 + 3 - 1) * Math.Pow((4.414 + 38) / (4.414 + 20), 0.243 + 3));
        p.ProbabilityAlive(3, 20, 38).Should().BeApproximately(expected, 1e-14);
        p.ProbabilityAlive(0, 0, 38).Should().Be(1);
    }

    [Fact]
    public void ProbabilityOfTransactions_SumsToOneOverCounts()
    {
        var p = new BgNbdParameters { R = 0.243, Alpha = 4.414, A = 0.793, B = 2.426 };
        Enumerable.Range(0, 400).Sum(n => p.ProbabilityOfTransactions(n, 39)).Should().BeApproximately(1, 1e-9);
        Enumerable.Range(0, 400).Sum(n => n * p.ProbabilityOfTransactions(n, 39)).Should().BeApproximately(p.ExpectedTransactions(39), 1e-6);
    }

    [Theory]
    [InlineData(-1, 0, 10, "frequency")]
    [InlineData(1.5, 1, 10, "frequency")]
    [InlineData(2, 11, 10, "recency")]
    [InlineData(0, 3, 10, "recency")]
    [InlineData(2, 1, 0, "age")]
    [InlineData(2, double.NaN, 10, "recency")]
    public void Fit_InvalidCustomer_ThrowsNamingTheFieldAndRow(double x, double tx, double age, string field)
    {
        var act = () => new BgNbdFitter().Fit([1, x], [0.5, tx], [5, age]);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == field && e.Message.Contains("row 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_EmptyOrNoRepeatOrRagged_Throws()
    {
        FluentActions.Invoking(() => new BgNbdFitter().Fit([], [], [])).Should().Throw<ArgumentException>().WithParameterName("frequency");
        FluentActions.Invoking(() => new BgNbdFitter().Fit([0, 0], [0, 0], [3, 4])).Should().Throw<ArgumentException>().WithMessage("*every x = 0*");
        FluentActions.Invoking(() => new BgNbdFitter().Fit([1], [0, 1], [3])).Should().Throw<ArgumentException>().WithParameterName("recency");
    }

    [Theory]
    [InlineData(0, 1e-9)]
    [InlineData(10, 0)]
    [InlineData(10, 1)]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption(int maxIterations, double tolerance)
    {
        var act = () => new BgNbdFitter(new BgNbdOptions { MaxIterations = maxIterations, GradientTolerance = tolerance });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().BeOneOf("MaxIterations", "GradientTolerance");
    }

    [Fact]
    public void Fit_MaximumOnlyInTheDropoutLimit_IsNotReportedAsConverged()
    {
        // The review's small.csv: the likelihood rises as a, b → ∞ with a/(a + b) → p (tests/reference/churn/bgnbd_dropout_limit.json).
        var reference = CohortKit.Testing.SharedData.Reference("churn/bgnbd_dropout_limit.json");
        var limit = reference.GetProperty("limit");
        var fit = new BgNbdFitter().Fit([2, 0, 5, 1], [10, 0, 15, 3], [10, 20, 30, 12]);
        fit.Converged.Should().BeFalse();
        fit.Outcome.Should().Be(BgNbdFitOutcome.DropoutLimit);
        fit.Reason.Should().Contain("a/(a + b)");
        fit.LogLikelihood.Should().BeApproximately(limit.GetProperty("logLikelihood").GetDouble(), 1e-5, "the fit is at the supremum, in the limit");
        (fit.Parameters.A / (fit.Parameters.A + fit.Parameters.B)).Should().BeApproximately(limit.GetProperty("p").GetDouble(), 1e-4);
        fit.Parameters.R.Should().BeApproximately(limit.GetProperty("r").GetDouble(), 1e-3);
        fit.Parameters.Alpha.Should().BeApproximately(limit.GetProperty("alpha").GetDouble(), 1e-2);
    }

    [Fact]
    public void Fit_EveryRecencyEqualsAge_ReportsABoundaryWithFiniteNumbers()
    {
        // The review's allrecT.csv: nobody has dropped out, so the dropout parameter a runs to 0.
        var fit = new BgNbdFitter().Fit([2, 3, 5], [10, 20, 30], [10, 20, 30]);
        fit.Converged.Should().BeFalse();
        fit.Outcome.Should().BeOneOf(BgNbdFitOutcome.Boundary, BgNbdFitOutcome.DropoutLimit);
        new[] { fit.Parameters.R, fit.Parameters.Alpha, fit.Parameters.A, fit.Parameters.B, fit.LogLikelihood }.Should().OnlyContain(v => double.IsFinite(v));
    }

    [Fact]
    public void Fit_SingleCustomer_ThrowsBgNbdFitExceptionNamingTheOptimiser()
    {
        // The review's one.csv: the optimiser's internal "line search failed" no longer leaks as MathNet's own exception.
        FluentActions.Invoking(() => new BgNbdFitter().Fit([2], [5], [10]))
            .Should().Throw<BgNbdFitException>().WithMessage("*fit of 1 customers failed*BFGS*")
            .Which.Customers.Should().Be(1);
    }
}
