using CohortKit.Reliability.Resilience;
using FsCheck;
using FsCheck.Xunit;

namespace CohortKit.Reliability.Tests.Resilience;

/// <summary>The retry budget through the standard pipeline under a total outage: retries never exceed Burst + Ratio × requests
/// (counted by the test as attempts − calls), and the budget is actually used (not refused wholesale).</summary>
public sealed class RetryBudgetTests
{
    private static OutboundPipelineOptions NoBreakerNoDelay() => new()
    {
        RetryBaseDelay = TimeSpan.Zero,
        MaxRetryAttempts = 5,
        BreakerMinimumThroughput = int.MaxValue, // the breaker never opens, so every attempt reaches the callback and is counted
    };

    [Property(MaxTest = 60)]
    public bool TotalOutage_RetriesStayWithinTheRatio(PositiveInt calls, NonNegativeInt burst, PositiveInt ratioPercent)
    {
        var n = (calls.Get % 1500) + 1;
        var b = burst.Get % 20;
        var ratio = ((ratioPercent.Get % 100) + 1) / 100.0;
        var budget = new RetryBudget(ratio, b);
        var pipeline = OutboundPipelines.Standard<int>(NoBreakerNoDelay(), r => r >= 500, budget);
        var attempts = 0;
        for (var i = 0; i < n; i++)
        {
            pipeline.Execute(() => { attempts++; return 503; });
        }

        var retries = attempts - n;
        var bound = b + (ratio * n);
        return retries <= bound + 1e-9 && retries >= Math.Min(Math.Floor(bound) - 1, n * 5.0);
    }

    [Fact]
    public void TotalOutage_ThousandCallsAtTenPercent_AboutOneHundredRetries()
    {
        // Burst 0, ratio 0.1: a token every 10 calls (deposited before the call's retry asks), so 1,000 failing calls retry
        // exactly 100 times, at calls 10, 20, … 1,000. Without a budget the same pipeline would retry 5,000 times.
        var budget = new RetryBudget(0.1, burst: 0);
        var pipeline = OutboundPipelines.Standard<int>(NoBreakerNoDelay(), r => r >= 500, budget);
        var attempts = 0;
        for (var i = 0; i < 1000; i++)
        {
            pipeline.Execute(() => { attempts++; return 500; });
        }

        (attempts - 1000).Should().Be(100);
        budget.Requests.Should().Be(1000);
    }

    [Fact]
    public void Healthy_NoRetriesAreSpent_AndTheBudgetStaysFull()
    {
        var budget = new RetryBudget(0.2, burst: 3);
        var pipeline = OutboundPipelines.Standard<int>(NoBreakerNoDelay(), r => r >= 500, budget);
        for (var i = 0; i < 100; i++) { pipeline.Execute(() => 200).Should().Be(200); }
        (budget.Retries, budget.Refused).Should().Be((0, 0));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_RatioOutside_ThrowsNamingRatio(double ratio)
        => new Action(() => _ = new RetryBudget(ratio)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ratio");
}
