using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Polly.Retry;
using Polly.Timeout;

namespace CohortKit.Reliability.Resilience;

/// <summary>Polly v8 pipelines pre-built for CohortKit's outbound calls.</summary>
/// <remarks>
/// <para><see cref="Standard{T}"/>: total timeout → retry budget → retry (exponential back-off, full jitter, refused when the
/// budget is spent) → circuit breaker → attempt timeout.</para>
/// <para><see cref="Hedged{T}"/>: total timeout → hedging → circuit breaker → attempt timeout, for idempotent reads where a
/// slow replica should not hold the caller.</para>
/// </remarks>
public static class OutboundPipelines
{
    /// <summary>Builds the standard pipeline.</summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="options">The settings.</param>
    /// <param name="isFailure">Whether a result (not an exception) is a failure to retry, e.g. an HTTP 5xx.</param>
    /// <param name="budget">The retry budget shared by every caller of the dependency; a new one from the options when null.</param>
    /// <param name="timeProvider">The clock of timeouts, delays and the breaker; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of the range Polly accepts (Polly's validation names it).</exception>
    public static ResiliencePipeline<T> Standard<T>(OutboundPipelineOptions options, Func<T, bool> isFailure, RetryBudget? budget = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isFailure);
        budget ??= new RetryBudget(options.RetryBudgetRatio, options.RetryBudgetBurst);
        var jitter = new Random(options.Seed);
        var jitterGate = new Lock();
        var handle = Failures(isFailure);
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddTimeout(options.TotalTimeout)
            .AddStrategy(_ => new RetryBudgetStrategy(budget), new RetryBudgetStrategyOptions())
            .AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                // Polly asks ShouldHandle after the last attempt too; only a retry that will happen may spend a token.
                ShouldHandle = async args => await handle(args.Outcome).ConfigureAwait(false) && args.AttemptNumber < options.MaxRetryAttempts && budget.TryRetry(),
                DelayGenerator = args =>
                {
                    double u;
                    lock (jitterGate) { u = jitter.NextDouble(); }
                    return ValueTask.FromResult<TimeSpan?>(options.RetryBaseDelay * (Math.Pow(2, args.AttemptNumber) * u));
                },
            });
        return AddBreakerAndAttemptTimeout(builder, options, handle).Build();
    }

    /// <summary>Builds the hedged pipeline.</summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="options">The settings.</param>
    /// <param name="isFailure">Whether a result is a failure.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline<T> Hedged<T>(OutboundPipelineOptions options, Func<T, bool> isFailure, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(isFailure);
        var handle = Failures(isFailure);
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddTimeout(options.TotalTimeout)
            .AddHedging(new HedgingStrategyOptions<T>
            {
                MaxHedgedAttempts = options.MaxHedgedAttempts,
                Delay = options.HedgingDelay,
                ShouldHandle = args => handle(args.Outcome),
            });
        return AddBreakerAndAttemptTimeout(builder, options, handle).Build();
    }

    private static ResiliencePipelineBuilder<T> AddBreakerAndAttemptTimeout<T>(ResiliencePipelineBuilder<T> builder, OutboundPipelineOptions options, Func<Outcome<T>, ValueTask<bool>> handle)
        => builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<T>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerDuration,
                ShouldHandle = args => handle(args.Outcome),
            })
            .AddTimeout(options.AttemptTimeout);

    /// <summary>A failure is an exception other than cancellation of the caller, a broken circuit counts, a timeout counts, or a failing result.</summary>
    private static Func<Outcome<T>, ValueTask<bool>> Failures<T>(Func<T, bool> isFailure)
        => outcome => ValueTask.FromResult(outcome.Exception switch
        {
            null => isFailure(outcome.Result!),
            TimeoutRejectedException or BrokenCircuitException => true,
            OperationCanceledException => false,
            _ => true,
        });
}
