using MathNet.Numerics;

namespace CohortKit.Churn.Lifetimes;

/// <summary>The four parameters of the BG/NBD model (Fader, Hardie &amp; Lee 2005) and the quantities derived from them.</summary>
/// <remarks>
/// While alive, a customer transacts as a Poisson process with rate λ ~ Gamma(shape <see cref="R"/>, rate <see cref="Alpha"/>);
/// after every transaction the customer drops out with probability p ~ Beta(<see cref="A"/>, <see cref="B"/>). A customer is
/// summarised by x (repeat transactions), t_x (time of the last one; 0 when x = 0) and T (time since the first), all in
/// the same period unit. Immutable and thread-safe.
/// </remarks>
public sealed record BgNbdParameters
{
    /// <summary>Gets the Gamma shape r of the transaction rate.</summary>
    public required double R { get; init; }

    /// <summary>Gets the Gamma rate α of the transaction rate (in periods).</summary>
    public required double Alpha { get; init; }

    /// <summary>Gets the Beta parameter a of the dropout probability.</summary>
    public required double A { get; init; }

    /// <summary>Gets the Beta parameter b of the dropout probability.</summary>
    public required double B { get; init; }

    /// <summary>P(alive | x, t_x, T): the probability that a customer with this history has not dropped out (FHL 2005, eq. 12).</summary>
    /// <param name="frequency">x, the number of repeat transactions (≥ 0).</param>
    /// <param name="recency">t_x, the time of the last transaction (0 ≤ t_x ≤ T).</param>
    /// <param name="age">T, the time observed since the first transaction.</param>
    /// <returns>A probability in (0, 1]; 1 when x = 0 (the model lets a customer drop out only right after a transaction).</returns>
    /// <exception cref="ArgumentException">The history is invalid (see <see cref="BgNbdFitter.Fit"/>).</exception>
    public double ProbabilityAlive(double frequency, double recency, double age)
    {
        BgNbdData.Check(frequency, recency, age, 0);
        return 1 / (1 + DeathOdds(frequency, recency, age));
    }

    /// <summary>E[X(t)]: the expected number of transactions in a period of length t for a new customer (FHL 2005, eq. 9).</summary>
    /// <param name="t">The period length (≥ 0).</param>
    /// <returns>The expected count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is negative or not finite.</exception>
    /// <exception cref="InvalidOperationException"><see cref="A"/> is exactly 1, where the closed form is undefined.</exception>
    public double ExpectedTransactions(double t)
    {
        CheckPeriod(t, nameof(t));
        ThrowIfAIsOne();
        var z = t / (Alpha + t);
        return (A + B - 1) / (A - 1) * (1 - Math.Pow(Alpha / (Alpha + t), R) * Hypergeometric2F1(R, B, A + B - 1, z));
    }

    /// <summary>E[Y(t) | x, t_x, T]: the expected number of transactions in the next t periods of a customer with this history
    /// (FHL 2005, eq. 10).</summary>
    /// <param name="t">The length of the future period (≥ 0).</param>
    /// <param name="frequency">x, the number of repeat transactions.</param>
    /// <param name="recency">t_x, the time of the last transaction.</param>
    /// <param name="age">T, the time observed since the first transaction.</param>
    /// <returns>The expected count.</returns>
    /// <exception cref="ArgumentException">The history or period is invalid.</exception>
    /// <exception cref="InvalidOperationException"><see cref="A"/> is exactly 1.</exception>
    public double ConditionalExpectedTransactions(double t, double frequency, double recency, double age)
    {
        CheckPeriod(t, nameof(t));
        BgNbdData.Check(frequency, recency, age, 0);
        ThrowIfAIsOne();
        var x = frequency;
        var z = t / (Alpha + age + t);
        var head = (A + B + x - 1) / (A - 1);
        var tail = 1 - Math.Pow((Alpha + age) / (Alpha + age + t), R + x) * Hypergeometric2F1(R + x, B + x, A + B + x - 1, z);
        return head * tail / (1 + DeathOdds(x, recency, age));
    }

    /// <summary>P(X(t) = n): the probability that a new customer makes exactly n transactions in a period of length t (FHL 2005, eq. 8).</summary>
    /// <param name="n">The count (≥ 0).</param>
    /// <param name="t">The period length (≥ 0).</param>
    /// <returns>The probability.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative or <paramref name="t"/> invalid.</exception>
    public double ProbabilityOfTransactions(int n, double t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        CheckPeriod(t, nameof(t));
        var logBeta = SpecialFunctions.BetaLn(A, B);
        var q = Alpha / (Alpha + t);
        var z = t / (Alpha + t);
        var first = Math.Exp(SpecialFunctions.BetaLn(A, B + n) - logBeta + NegativeBinomialLog(n, q, z));
        if (n == 0)
        {
            return first;
        }

        var cumulative = 0.0;
        for (var j = 0; j < n; j++) { cumulative += Math.Exp(NegativeBinomialLog(j, q, z)); }
        return first + Math.Exp(SpecialFunctions.BetaLn(A + 1, B + n - 1) - logBeta) * (1 - cumulative);
    }

    /// <summary>a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x) for x &gt; 0, else 0: the odds of having dropped out.</summary>
    internal double DeathOdds(double x, double recency, double age)
        => x > 0 ? Math.Exp(Math.Log(A / (B + x - 1)) + (R + x) * Math.Log((Alpha + age) / (Alpha + recency))) : 0;

    /// <summary>log of Γ(r + j)/(Γ(r) j!) q^r z^j.</summary>
    private double NegativeBinomialLog(int j, double q, double z)
        => SpecialFunctions.GammaLn(R + j) - SpecialFunctions.GammaLn(R) - SpecialFunctions.FactorialLn(j) + R * Math.Log(q) + (j == 0 ? 0 : j * Math.Log(z));

    private void ThrowIfAIsOne()
    {
        if (A == 1)
        {
            throw new InvalidOperationException("The BG/NBD expectations divide by a − 1; they are undefined at a = 1 exactly.");
        }
    }

    private static void CheckPeriod(double t, string name)
    {
        if (!(t >= 0 && double.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(name, t, "The period length must be finite and ≥ 0.");
        }
    }

    /// <summary>Gauss's hypergeometric series ₂F₁(a, b; c; z) for 0 ≤ z &lt; 1, summed until a term no longer changes the sum.</summary>
    internal static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        const int MaxTerms = 100_000;
        var term = 1.0;
        var sum = 1.0;
        for (var k = 0; k < MaxTerms; k++)
        {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
            var next = sum + term;
            if (next == sum) { return sum; }
            sum = next;
        }

        return sum;
    }
}
