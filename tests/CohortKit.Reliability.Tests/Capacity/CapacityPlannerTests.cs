using CohortKit.Reliability.Capacity;
using CohortKit.Testing;

namespace CohortKit.Reliability.Tests.Capacity;

/// <summary>Pool sizes against mpmath's exact Erlang C search (reliability/erlang_c.json) and the fleet arithmetic by hand.</summary>
public sealed class CapacityPlannerTests
{
    [Fact]
    public void Estimate_MatchesTheReferenceSearch()
    {
        foreach (var row in SharedData.Reference("reliability/erlang_c.json").GetProperty("cases").EnumerateArray())
        {
            var planner = new CapacityPlanner(new CapacityOptions { WaitQuantile = row.GetProperty("quantile").GetDouble(), Headroom = row.GetProperty("headroom").GetDouble() });
            var lambda = row.GetProperty("arrivalRate").GetDouble();
            var e = planner.Estimate(lambda, TimeSpan.FromMilliseconds(row.GetProperty("serviceMs").GetDouble()), TimeSpan.FromMilliseconds(row.GetProperty("waitMs").GetDouble()));
            var because = $"λ = {lambda}";
            e.Base.OfferedLoad.Should().BeApproximately(row.GetProperty("offeredLoad").GetDouble(), 1e-9, because);
            e.Base.Servers.Should().Be(row.GetProperty("servers").GetInt32(), because);
            e.WithHeadroom.Servers.Should().Be(row.GetProperty("serversWithHeadroom").GetInt32(), because);
            e.Base.ProbabilityOfWaiting.Should().BeApproximately(row.GetProperty("probabilityOfWaiting").GetDouble(), 1e-9, because);
            e.Base.ProbabilityWaitExceedsTarget.Should().BeApproximately(row.GetProperty("probabilityWaitExceeds").GetDouble(), 1e-9, because);
            e.Base.WaitQuantile.TotalMilliseconds.Should().BeApproximately(row.GetProperty("waitQuantileMs").GetDouble(), 1e-3, because); // TimeSpan holds 100 ns ticks
            e.Base.Utilization.Should().BeApproximately(e.Base.OfferedLoad / e.Base.Servers, 1e-15);
        }
    }

    [Fact]
    public void Size_SingleServerClosedForm_PicksTheFirstCountMeetingTheTarget()
    {
        // λ = 1/s, S = 0.5 s (a = 0.5), W = 1 s, q = 0.5. c = 1: C = ρ = 0.5, P = 0.5·e^(−(1 − 0.5)·1/0.5) = 0.5·e^−1 = 0.184 ≤ 0.5.
        // The quantile: C = 0.5 is not above 1 − q = 0.5, so the median wait is 0.
        var planner = new CapacityPlanner(new CapacityOptions { WaitQuantile = 0.5 });
        var n = planner.Size(1, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
        n.Servers.Should().Be(1);
        n.ProbabilityWaitExceedsTarget.Should().BeApproximately(0.5 * Math.Exp(-1), 1e-15);
        n.WaitQuantile.Should().Be(TimeSpan.Zero);

        // q = 0.85 at a = 0.5, W = 0: c = 1 gives P = 0.5 > 0.15; c = 2 gives C = a²/(2 + a) = 0.25/2.5 = 0.1 ≤ 0.15, so 2.
        new CapacityPlanner(new CapacityOptions { WaitQuantile = 0.85 }).Size(1, TimeSpan.FromMilliseconds(500), TimeSpan.Zero).Servers.Should().Be(2);
    }

    [Fact]
    public void PlanFleet_OnePool_MixAndCostPerLearnerMonthByHand()
    {
        // 1,000 learners × 0.01 req/s = λ 10/s, S 200 ms, W 50 ms, q 0.99: 6 servers, 9 at headroom 2 (erlang_c.json case 1).
        // Base 6: reserved round(0.8·6) = 5, on demand 1; headroom 3: spot round(0.5·3) = 2, on demand 1.
        // Cost 5·0.06 + 2·0.10 + 2·0.03 = 0.56 /h; per learner-month 0.56·730/1000 = 0.4088.
        var planner = new CapacityPlanner(new CapacityOptions());
        var plan = planner.PlanFleet(1000, [new RequestClass("page", 0.01, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(50))], [new RegionShare("eu", 1)]);
        (plan.BaseServers, plan.ServersWithHeadroom).Should().Be((6, 9));
        (plan.Mix.Reserved, plan.Mix.OnDemand, plan.Mix.Spot).Should().Be((5, 2, 2));
        plan.Mix.CostPerHour.Should().BeApproximately(0.56, 1e-12);
        plan.CostPerLearnerMonth.Should().BeApproximately(0.4088, 1e-12);
        var doubleSpot = plan.Sensitivity.Single(r => r.Input == SensitivityInput.SpotPrice && r.Factor == 2);
        doubleSpot.CostPerLearnerMonth.Should().BeApproximately((0.56 + (2 * 0.03)) * 730 / 1000, 1e-12);
        plan.Sensitivity.Should().HaveCount(15);
    }

    [Fact]
    public void PlanFleet_AMillionLearners_SplitsByRegionAndGrowsWithLoad()
    {
        var planner = new CapacityPlanner(new CapacityOptions());
        RequestClass[] mix = [new("page", 0.05, TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(20)), new("quiz", 0.01, TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(50))];
        var plan = planner.PlanFleet(1_000_000, mix, [new RegionShare("eu", 0.5), new RegionShare("us", 0.3), new RegionShare("ap", 0.2)]);
        plan.Pools.Should().HaveCount(6);
        plan.Pools.Single(p => p.Region == "us" && p.RequestClass == "page").ArrivalRatePerSecond.Should().BeApproximately(15_000, 1e-6);
        // Every pool needs at least its offered load in servers (a = λ·S: 1,000,000·0.5·0.05·0.04 = 1,000 for eu pages).
        plan.Pools.Should().OnlyContain(p => p.Estimate.Base.Servers > p.Estimate.Base.OfferedLoad);
        var learners = plan.Sensitivity.Where(r => r.Input == SensitivityInput.Learners).Select(r => r.Servers).ToList();
        learners.Should().BeInAscendingOrder();
        plan.Sensitivity.Where(r => r.Input == SensitivityInput.SpotPrice).Should().OnlyContain(r => r.Servers == plan.ServersWithHeadroom);
    }

    [Fact]
    public void Size_LoadAboveEveryAllowedCount_ThrowsNamingTheArrivalRate()
    {
        var planner = new CapacityPlanner(new CapacityOptions { MaxServers = 100 });
        var act = () => planner.Size(1000, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10)); // a = 100 = every allowed c at most
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "arrivalRatePerSecond").WithMessage("*capacity of every allowed server count*");
    }

    [Theory]
    [InlineData(-1.0, 100.0)]
    [InlineData(double.PositiveInfinity, 100.0)]
    public void Size_NegativeOrInfiniteRate_Throws(double rate, double serviceMs)
        => new Action(() => new CapacityPlanner(new CapacityOptions()).Size(rate, TimeSpan.FromMilliseconds(serviceMs), TimeSpan.Zero))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("arrivalRatePerSecond");

    [Fact]
    public void Constructor_NegativePrice_ThrowsNamingIt()
        => new Action(() => _ = new CapacityPlanner(new CapacityOptions { SpotPricePerHour = -0.01 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("SpotPricePerHour");

    /// <summary>A pool that cannot be sized names the PlanFleet parameter (requestMix, not Estimate's serviceTime or
    /// arrivalRatePerSecond) and the region and request class at fault. 1,000,000 learners × 0.5 × 100 requests/s × 100 ms =
    /// 5,000,000 erlangs in "us" is beyond the 1,000,000-server limit; a zero service time cannot be sized at all.</summary>
    [Fact]
    public void PlanFleet_PoolThatCannotBeSized_NamesRequestMixRegionAndClass()
    {
        var planner = new CapacityPlanner(new CapacityOptions());
        RegionShare[] regions = [new("eu", 0.5), new("us", 0.5)];
        var tooBig = () => planner.PlanFleet(1_000_000, [new RequestClass("page", 0.001, TimeSpan.FromMilliseconds(10), TimeSpan.Zero), new RequestClass("video", 100, TimeSpan.FromMilliseconds(100), TimeSpan.Zero)], regions);
        tooBig.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "requestMix")
            .WithMessage("Region 'eu', request class 'video'*at or above the capacity*");
        var zero = () => planner.PlanFleet(10, [new RequestClass("quiz", 1, TimeSpan.Zero, TimeSpan.Zero)], regions);
        zero.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "requestMix")
            .WithMessage("Region 'eu', request class 'quiz'*service time must be positive*");
    }

    [Fact]
    public void PlanFleet_SharesNotAddingUpToOne_Throws()
        => new Action(() => new CapacityPlanner(new CapacityOptions()).PlanFleet(10, [new RequestClass("p", 1, TimeSpan.FromMilliseconds(1), TimeSpan.Zero)], [new RegionShare("eu", 0.5)]))
            .Should().Throw<ArgumentException>().Which.ParamName.Should().Be("regions");
}
