namespace CohortKit.Reliability.Resilience;

/// <summary>A retry budget (Polly has none, App-vNext/Polly#2348): every request deposits <see cref="Ratio"/> of a token, every
/// retry spends a whole one, and the balance is capped at <see cref="Burst"/>. Under a total outage the retries of N requests
/// therefore never exceed Burst + Ratio × N, so retries cannot multiply the load on a failing dependency.</summary>
/// <remarks>Thread safety: every member may be called from any thread; share one budget between all callers of a dependency.</remarks>
public sealed class RetryBudget
{
    // Tokens are counted in millionths, so that ten deposits of 0.1 make exactly one retry (ten doubles of 0.1 add up to less than 1).
    private const long Unit = 1_000_000;
    private readonly Lock _gate = new();
    private readonly long _deposit;
    private readonly long _cap;
    private long _tokens;
    private long _requests;
    private long _retries;
    private long _refused;

    /// <summary>Creates a budget, full (Burst tokens).</summary>
    /// <param name="ratio">Retries allowed per request in the long run, in (0, 1].</param>
    /// <param name="burst">The most retries that can be saved up, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ratio"/> is outside (0, 1] or <paramref name="burst"/> is negative.</exception>
    public RetryBudget(double ratio, int burst = 10)
    {
        if (!(ratio is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The retry ratio must be in (0, 1]: retries allowed per request.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(burst);
        Ratio = ratio;
        Burst = burst;
        _deposit = (long)Math.Round(ratio * Unit);
        _cap = Math.Max(burst, 1) * Unit;
        _tokens = burst * Unit;
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
            _tokens = Math.Min(_cap, _tokens + _deposit);
        }
    }

    /// <summary>Asks to retry: spends one token when there is one.</summary>
    /// <returns>Whether the retry may go ahead.</returns>
    public bool TryRetry()
    {
        lock (_gate)
        {
            if (_tokens >= Unit)
            {
                _tokens -= Unit;
                _retries++;
                return true;
            }

            _refused++;
        }

        ReliabilityTelemetry.RetriesRefused.Add(1);
        return false;
    }
}
