namespace CohortKit.Reliability.Resilience;

/// <summary>Settings of the pre-built pipelines for CohortKit's outbound calls (<see cref="OutboundPipelines"/>).</summary>
public sealed class OutboundPipelineOptions
{
    /// <summary>Gets or sets the timeout of the whole call, retries and hedges included.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the timeout of one attempt.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the most retries of one call (the retry budget may refuse them sooner).</summary>
    /// <value>The default value is 3.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the base delay of the exponential back-off (with full jitter: each delay is uniform in [0, base × 2^attempt]).</summary>
    /// <value>The default value is 200 ms.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the retry budget's ratio: retries allowed per call in the long run.</summary>
    /// <value>The default value is 0.1.</value>
    public double RetryBudgetRatio { get; set; } = 0.1;

    /// <summary>Gets or sets the retry budget's burst: retries that can be saved up.</summary>
    /// <value>The default value is 10.</value>
    public int RetryBudgetBurst { get; set; } = 10;

    /// <summary>Gets or sets the failure ratio over <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    /// <value>The default value is 0.5.</value>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the fewest calls in the sampling window before the circuit may open.</summary>
    /// <value>The default value is 20.</value>
    public int BreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets the circuit breaker's sampling window.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the hedged pipeline's extra attempts.</summary>
    /// <value>The default value is 1.</value>
    public int MaxHedgedAttempts { get; set; } = 1;

    /// <summary>Gets or sets how long the hedged pipeline waits before sending a hedge.</summary>
    /// <value>The default value is 100 ms.</value>
    public TimeSpan HedgingDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the seed of the retry jitter, so that delays are reproducible.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }
}
