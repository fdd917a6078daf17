using CohortKit.Reliability.Resilience;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace CohortKit.Reliability.Tests.Resilience;

/// <summary>The pre-built pipelines and chaos drills: injected rates within binomial bounds, retries mask 1 % faults, the breaker
/// opens, hedging beats a slow attempt.</summary>
public sealed class OutboundPipelinesTests
{
    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(0.01, 2)]
    public void ChaosDrill_FaultRate_IsWithinTheBinomialBound(double rate, int seed)
    {
        // 20,000 calls; the injected share must lie within 4 standard errors of the rate (a false alarm about once in 16,000 runs).
        const int n = 20_000;
        var chaos = ChaosDrill.Create(new ChaosDrillOptions { FaultRate = rate, Seed = seed }, () => 0);
        var faults = 0;
        for (var i = 0; i < n; i++)
        {
            try { chaos.Execute(() => 1); } catch (ChaosDrill.InjectedFaultException) { faults++; }
        }

        var se = Math.Sqrt(rate * (1 - rate) / n);
        ((double)faults / n).Should().BeApproximately(rate, 4 * se);
    }

    [Fact]
    public void Standard_OnePercentInjectedOutcomes_RetriesMaskThem_AndTheSloEngineAgreesWithTheCount()
    {
        // Independent 1 % failures and up to 3 retries: a call fails only if 4 attempts fail, p = 1e-8; 20,000 calls should all succeed.
        var chaos = ChaosDrill.Create(new ChaosDrillOptions { OutcomeRate = 0.01, Seed = 7 }, () => 500);
        var pipeline = OutboundPipelines.Standard<int>(new OutboundPipelineOptions { RetryBaseDelay = TimeSpan.Zero }, r => r >= 500);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var slo = new SloMonitor(new SloOptions { Objective = 0.9999 }, time);
        var injected = 0;
        var good = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var status = pipeline.Execute(() => { var r = chaos.Execute(() => 200); if (r == 500) { injected++; } return r; });
            good += status == 200 ? 1 : 0;
            slo.Record(status == 200);
        }

        injected.Should().BeInRange(100, 300, "about 1 % of 20,000 attempts were injected");
        good.Should().Be(20_000);
        var s = slo.Evaluate();
        (s.Requests, s.BadRequests).Should().Be((20_000, 0));
    }

    [Fact]
    public void Standard_PersistentFailures_OpenTheCircuit()
    {
        var options = new OutboundPipelineOptions { RetryBaseDelay = TimeSpan.Zero, MaxRetryAttempts = 1, BreakerMinimumThroughput = 10, BreakerFailureRatio = 0.5 };
        var pipeline = OutboundPipelines.Standard<int>(options, r => r >= 500);
        // Every attempt fails; after 10 attempts in the window (ratio 1 ≥ 0.5) the breaker opens and later calls are refused
        // without reaching the dependency.
        var attempts = 0;
        var broken = 0;
        for (var i = 0; i < 30; i++)
        {
            try { pipeline.Execute(() => { attempts++; return 500; }); }
            catch (BrokenCircuitException) { broken++; }
        }

        attempts.Should().Be(10);
        broken.Should().BeGreaterThan(20);
    }

    [Fact]
    public async Task Hedged_SlowFirstAttempt_TheHedgeAnswers()
    {
        var pipeline = OutboundPipelines.Hedged<string>(new OutboundPipelineOptions { HedgingDelay = TimeSpan.FromMilliseconds(50), AttemptTimeout = TimeSpan.FromSeconds(5) }, _ => false);
        var attempt = 0;
        var result = await pipeline.ExecuteAsync(async ct =>
        {
            if (Interlocked.Increment(ref attempt) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                return "slow";
            }

            return "hedge";
        });
        // "hedge" can only win while the first attempt is still in its 3-s delay (no timed assertion: the house keeps clocks out of tests).
        result.Should().Be("hedge");
        attempt.Should().Be(2);
    }

    [Fact]
    public void ChaosDrill_RateOutsideUnitInterval_ThrowsNamingIt()
        => new Action(() => ChaosDrill.Create(new ChaosDrillOptions { LatencyRate = 1.5 }, () => 0))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("LatencyRate");
}
