using Polly;
using Polly.Simmy;
using Polly.Simmy.Fault;
using Polly.Simmy.Latency;
using Polly.Simmy.Outcomes;

namespace CohortKit.Reliability.Resilience;

/// <summary>Settings of a chaos drill: the injection rates of Polly's chaos strategies, with a seed so a drill is reproducible.</summary>
public sealed class ChaosDrillOptions
{
    /// <summary>Gets or sets the share of calls that throw an injected fault, in [0, 1].</summary>
    /// <value>The default value is 0.</value>
    public double FaultRate { get; set; }

    /// <summary>Gets or sets the share of calls delayed by <see cref="Latency"/>, in [0, 1].</summary>
    /// <value>The default value is 0.</value>
    public double LatencyRate { get; set; }

    /// <summary>Gets or sets the injected latency.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the share of calls that return the injected outcome instead of running, in [0, 1].</summary>
    /// <value>The default value is 0.</value>
    public double OutcomeRate { get; set; }

    /// <summary>Gets or sets the seed of the injection decisions.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }
}

/// <summary>Wraps a call in Polly's chaos strategies (fault, latency, outcome) at configured rates: the drill a resilience
/// pipeline must survive.</summary>
public static class ChaosDrill
{
    /// <summary>The exception an injected fault throws.</summary>
    public sealed class InjectedFaultException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public InjectedFaultException() : base("Fault injected by a CohortKit chaos drill.") { }

        /// <summary>Creates the exception with a message.</summary>
        /// <param name="message">The message.</param>
        public InjectedFaultException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and an inner exception.</summary>
        /// <param name="message">The message.</param>
        /// <param name="innerException">The inner exception.</param>
        public InjectedFaultException(string message, Exception innerException) : base(message, innerException) { }
    }

    /// <summary>Builds a chaos pipeline: outcome, then fault, then latency, each drawn from one seeded generator.</summary>
    /// <typeparam name="T">The call's result.</typeparam>
    /// <param name="options">The rates and seed.</param>
    /// <param name="injectedOutcome">The result returned by an injected outcome (e.g. an HTTP 500).</param>
    /// <param name="timeProvider">The clock of injected latency; <see cref="TimeProvider.System"/> when null.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A rate is outside [0, 1]; the parameter names it.</exception>
    public static ResiliencePipeline<T> Create<T>(ChaosDrillOptions options, Func<T> injectedOutcome, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(injectedOutcome);
        foreach (var (name, rate) in new[] { (nameof(options.FaultRate), options.FaultRate), (nameof(options.LatencyRate), options.LatencyRate), (nameof(options.OutcomeRate), options.OutcomeRate) })
        {
            if (!(rate is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(name, rate, $"{name} must be in [0, 1].");
            }
        }

        var random = new Random(options.Seed);
        var gate = new Lock();
        double Next() { lock (gate) { return random.NextDouble(); } }
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = timeProvider ?? TimeProvider.System };
        if (options.OutcomeRate > 0)
        {
            builder.AddChaosOutcome(new ChaosOutcomeStrategyOptions<T> { InjectionRate = options.OutcomeRate, Randomizer = Next, OutcomeGenerator = _ => ValueTask.FromResult<Outcome<T>?>(Outcome.FromResult(injectedOutcome())) });
        }

        if (options.FaultRate > 0)
        {
            builder.AddChaosFault(new ChaosFaultStrategyOptions { InjectionRate = options.FaultRate, Randomizer = Next, FaultGenerator = _ => ValueTask.FromResult<Exception?>(new InjectedFaultException()) });
        }

        if (options.LatencyRate > 0)
        {
            builder.AddChaosLatency(new ChaosLatencyStrategyOptions { InjectionRate = options.LatencyRate, Randomizer = Next, Latency = options.Latency });
        }

        return builder.Build();
    }
}
