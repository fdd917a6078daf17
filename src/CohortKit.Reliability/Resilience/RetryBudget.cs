using System.Globalization;

namespace CohortKit.Reliability.Resilience;

/// <summary>A retry budget (Polly has none, App-vNext/Polly#2348): every request deposits <see cref="Ratio"/> of a token, every
/// retry spends a whole one, and at most <see cref="Burst"/> whole tokens (at least 1) are saved up, a partly earned next token
/// being kept. Under a total outage the retries of N requests
/// therefore never exceed floor(Burst + Ratio × N), so retries cannot multiply the load on a failing dependency. The count is
/// exact (tokens in units of the ratio's last decimal place), so no rounding can grant more, nor a small ratio be ignored.</summary>
/// <remarks>Thread safety: every member may be called from any thread; share one budget between all callers of a dependency.</remarks>
public sealed class RetryBudget
{
    /// <summary>The smallest ratio accepted: one retry per 10^12 requests. Below it the ratio's shortest decimal could need
    /// more than 28 decimal places, which the exact token count cannot hold.</summary>
    public const double MinimumRatio = 1e-12;

    // Tokens are counted exactly, in units of 1/10^d where d is the number of decimal places of the ratio's shortest
    // round-trip decimal (0.1 -> tenths, 1.5e-6 -> 10^-7ths): a deposit is then a whole number of units, so N deposits are
    // exactly ratio x N tokens with no rounding that could grant a retry beyond Burst + Ratio x N, or drop a small ratio to 0.
    // Int128 holds Burst (< 2^31) x 10^28 with room to spare.
    private readonly Lock _gate = new();
    private readonly Int128 _unit;
    private readonly Int128 _deposit;
    private readonly Int128 _cap;
    private Int128 _tokens;
    private long _requests;
    private long _retries;
    private long _refused;

    /// <summary>Creates a budget, full (Burst tokens).</summary>
    /// <param name="ratio">Retries allowed per request in the long run, in [<see cref="MinimumRatio"/>, 1]; taken as its
    /// shortest round-trip decimal (0.1 is exactly one tenth), so the accounting is exact.</param>
    /// <param name="burst">The most retries that can be saved up, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ratio"/> is outside [<see cref="MinimumRatio"/>, 1] or
    /// <paramref name="burst"/> is negative.</exception>
    public RetryBudget(double ratio, int burst = 10)
    {
        if (!(ratio is >= MinimumRatio and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The retry ratio must be in [1e-12, 1]: retries allowed per request.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        Ratio = ratio;
        Burst = burst;
        (_deposit, _unit) = ExactDecimal(ratio);
        // Whole tokens are capped at Burst (at least 1, so a burst of 0 can still retry), but a partly earned next token is
        // kept: capping the balance at exactly Burst would discard the fraction each time the cap is hit (a burst-0 budget at
        // ratio 0.3 would then retry once per 4 requests, not 0.3 per request).
        _cap = (Math.Max(burst, 1) * _unit) + _unit - 1;
        _tokens = burst * _unit;
    }

    /// <summary>Gets the retries allowed per request.</summary>
    public double Ratio { get; }

    /// <summary>Gets the most retries that can be saved up.</summary>
    public int Burst { get; }

    /// <summary>Gets the requests recorded.</summary>
    public long Requests { get { lock (_gate) { return _requests; } } }

    /// <summary>Gets the retries granted.</summary>
    public long Retries { get { lock (_gate) { return _retries; } } }

    /// <summary>Gets the retries refused.</summary>
    public long Refused { get { lock (_gate) { return _refused; } } }

    /// <summary>Records one request (not a retry), depositing <see cref="Ratio"/> of a token.</summary>
    public void RecordRequest()
    {
        lock (_gate)
        {
            _requests++;
            _tokens = Int128.Min(_cap, _tokens + _deposit);
        }
    }

    /// <summary>Asks to retry: spends one token when there is one.</summary>
    /// <returns>Whether the retry may go ahead.</returns>
    public bool TryRetry()
    {
        lock (_gate)
        {
            if (_tokens >= _unit)
            {
                _tokens -= _unit;
                _retries++;
                return true;
            }

            _refused++;
        }

        ReliabilityTelemetry.RetriesRefused.Add(1);
        return false;
    }

    /// <summary>The ratio's shortest round-trip decimal as numerator / 10^scale (at most 28 decimal places for a ratio of at
    /// least <see cref="MinimumRatio"/>, since a double needs at most 17 significant digits).</summary>
    private static (Int128 Numerator, Int128 Denominator) ExactDecimal(double ratio)
    {
        var value = decimal.Parse(ratio.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var numerator = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        Int128 denominator = 1;
        for (var i = 0; i < value.Scale; i++)
        {
            denominator *= 10;
        }

        return (numerator, denominator);
    }
}
