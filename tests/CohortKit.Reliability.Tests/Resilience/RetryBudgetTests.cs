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

    /// <summary>Every request asks for as many retries as the budget grants (a total outage with unlimited attempts): the
    /// retries after N requests are exactly floor(burst + ratio × N), with the ratio read as the decimal written (for a ratio
    /// below 1; at 1 the first deposit finds the bucket full). Ratios of the form k × 10^-e (k up to 99, e from 2 to 10) are those the former millionth-rounded deposit got wrong in both directions
    /// (1.5e-6 deposited 2 millionths, granting a third too many; 4e-7 deposited none, ignoring the ratio).</summary>
    [Property(MaxTest = 40)]
    public bool TotalOutage_DecimalRatios_RetriesAreExactlyTheFloorOfTheBound(PositiveInt calls, NonNegativeInt burst, PositiveInt digits, PositiveInt exponent)
    {
        var n = (calls.Get % 2_000_000) + 1;
        var b = burst.Get % 20;
        var k = (digits.Get % 99) + 1;
        var e = (exponent.Get % 9) + 2;
        var ratioDecimal = k / (decimal)Math.Pow(10, e);
        var budget = new RetryBudget((double)ratioDecimal, b);
        return DrainEachRequest(budget, n) == (long)decimal.Floor(b + (ratioDecimal * n));
    }

    /// <summary>The reviewer's cases, worked out by hand: floor(0 + 1.5e-6 × 10^7) = 15; floor(10 + 0.1234567 × 10^7) =
    /// 1,234,577; floor(5 + 4e-7 × 10^7) = 9. The millionth-rounded budget granted 20, 1,234,579 and 5.</summary>
    [Theory]
    [InlineData(1.5e-6, 0, 15)]
    [InlineData(0.1234567, 10, 1_234_577)]
    [InlineData(4e-7, 5, 9)]
    public void TotalOutage_TenMillionRequests_RetriesAreExactlyTheFloorOfTheBound(double ratio, int burst, long expected)
        => DrainEachRequest(new RetryBudget(ratio, burst), 10_000_000).Should().Be(expected);

    private static long DrainEachRequest(RetryBudget budget, int requests)
    {
        long granted = 0;
        for (var i = 0; i < requests; i++)
        {
            budget.RecordRequest();
            while (budget.TryRetry())
            {
                granted++;
            }
        }

        return granted;
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
    [InlineData(9e-13)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_RatioOutside_ThrowsNamingRatio(double ratio)
        => new Action(() => _ = new RetryBudget(ratio)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ratio");
}
