using Polly;

namespace CohortKit.Reliability.Resilience;

/// <summary>Options of the strategy that records each execution as one request of a <see cref="RetryBudget"/>.</summary>
internal sealed class RetryBudgetStrategyOptions : ResilienceStrategyOptions
{
    public RetryBudgetStrategyOptions() => Name = "RetryBudget";
}

/// <summary>Placed outside the retry strategy: each execution through the pipeline deposits into the budget once, however
/// many attempts the retry makes inside.</summary>
internal sealed class RetryBudgetStrategy(RetryBudget budget) : ResilienceStrategy
{
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        budget.RecordRequest();
        return callback(context, state);
    }
}
