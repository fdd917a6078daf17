using CohortKit.Regions.Policy;
using CohortKit.Regions.Routing;

namespace CohortKit.Regions.Tests.Routing;

/// <summary>The router, exhaustively: for every home region of the catalogue and every subset of healthy zones, the chosen
/// zone is inside the policy's allowed set, is in the home region whenever a home zone is healthy, and a request is refused
/// only when every allowed zone is down.</summary>
public sealed class RegionRouterTests
{
    public static TheoryData<string> Catalogues => new() { "default", "two-eu-regions" };

    private static ResidencyPolicy Catalogue(string name)
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        if (name == "two-eu-regions")
        {
            o.Regions.Add(new RegionOptions { Name = "eu-north", Jurisdiction = "EU", Zones = ["eu-north-a"] });
            o.HomeRegions["SE"] = "eu-north";
            foreach (var rule in o.DataClasses.Values) { rule.AllowedRegions.Add("eu-north"); }
        }

        return new ResidencyPolicy(o);
    }

    [Theory]
    [MemberData(nameof(Catalogues))]
    public void Route_EveryHomeAndEveryHealthSubset_StaysInsideThePolicy(string catalogue)
    {
        var policy = Catalogue(catalogue);
        var router = new RegionRouter(policy, new CatalogueLatencyModel());
        var endpoints = router.Endpoints;
        var checkedDecisions = 0;
        for (var mask = 0; mask < 1 << endpoints.Count; mask++)
        {
            foreach (var e in endpoints) { router.SetHealth(e.Zone, (mask & (1 << e.Index)) != 0); }
            foreach (var home in policy.Regions)
            {
                var allowed = policy.AllowedRegions(DataClass.Identity, home).Select(r => r.Name).ToHashSet();
                var healthyAllowed = endpoints.Where(e => allowed.Contains(e.Region.Name) && (mask & (1 << e.Index)) != 0).ToList();
                if (healthyAllowed.Count == 0)
                {
                    var act = () => router.Route(home);
                    act.Should().Throw<NoAllowedEndpointException>().Which.HomeRegion.Should().Be(home.Name);
                    continue;
                }

                var chosen = router.Route(home);
                allowed.Should().Contain(chosen.Region.Name);
                router.IsHealthy(chosen).Should().BeTrue();
                if (healthyAllowed.Any(e => e.Region.Index == home.Index))
                {
                    chosen.Region.Should().Be(home);
                }

                checkedDecisions++;
            }
        }

        checkedDecisions.Should().BeGreaterThan(1000);
    }

    [Fact]
    public void Route_PrefersTheLowestObservedLatencyWithinTheHomeRegion()
    {
        var policy = ResidencyPolicy.Default;
        var router = new RegionRouter(policy, new CatalogueLatencyModel());
        var eu = policy.GetRegion("eu");
        router.Route(eu).Zone.Should().Be("eu-a"); // the client's own zone: 1.5 ms expected vs 3 ms
        var euA = router.Endpoints.Single(e => e.Zone == "eu-a");
        for (var i = 0; i < 30; i++) { router.Observe(eu, euA, 50_000); } // eu-a degrades
        router.Route(eu).Zone.Should().BeOneOf("eu-b", "eu-c");
    }

    [Fact]
    public void Route_TwoEuRegions_FailsOverToTheOtherEuRegionNeverOutside()
    {
        var policy = Catalogue("two-eu-regions");
        var router = new RegionRouter(policy, new CatalogueLatencyModel());
        foreach (var z in new[] { "eu-a", "eu-b", "eu-c" }) { router.SetHealth(z, false); }
        router.Route(policy.GetRegion("eu")).Zone.Should().Be("eu-north-a");
        router.SetHealth("eu-north-a", false);
        var act = () => router.Route(policy.GetRegion("eu"));
        act.Should().Throw<NoAllowedEndpointException>().Which.AllowedZones.Should().BeEquivalentTo("eu-a", "eu-b", "eu-c", "eu-north-a");
        var unknown = () => router.SetHealth("mars-a", false);
        unknown.Should().Throw<ArgumentException>().WithParameterName("zone");
    }

    [Fact]
    public void LatencyTracker_PercentilesOfAKnownDistribution_AreWithinOnePercent()
    {
        // Latencies 1..10,000 µs once each: p50 (lower rank ⌊0.5·9,999⌋ = 4,999) is 5,000, p99 (rank 9,899) is 9,900.
        var policy = ResidencyPolicy.Default;
        var tracker = new LatencyTracker(policy, TimeSpan.FromMilliseconds(100));
        for (var i = 1; i <= 10_000; i++) { tracker.Record(policy.GetRegion("eu"), i); }
        var eu = tracker.PerRegion().Single();
        eu.Region.Should().Be("eu");
        eu.P50Micros.Should().BeApproximately(5_000, 50);
        eu.P99Micros.Should().BeApproximately(9_900, 99);
        eu.MeetsTarget.Should().BeTrue();
        tracker.Record(policy.GetRegion("asia"), 150_000);
        tracker.Global().Requests.Should().Be(10_001);
    }

    [Fact]
    public void CatalogueLatencyModel_SamplesAreLogNormalAroundTheMedian()
    {
        var policy = ResidencyPolicy.Default;
        var model = new CatalogueLatencyModel();
        var router = new RegionRouter(policy, model);
        var eu = policy.GetRegion("eu");
        var asiaA = router.Endpoints.Single(e => e.Zone == "asia-a");
        var rng = new Random(3);
        var logs = Enumerable.Range(0, 20_000).Select(_ => Math.Log(model.SampleMicros(eu, asiaA, rng))).ToArray();
        logs.Average().Should().BeApproximately(Math.Log(120_000), 0.01);
        Math.Sqrt(logs.Select(l => (l - logs.Average()) * (l - logs.Average())).Sum() / (logs.Length - 1)).Should().BeApproximately(0.35, 0.01);
    }
}
