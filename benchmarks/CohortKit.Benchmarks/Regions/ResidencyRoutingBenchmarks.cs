using BenchmarkDotNet.Attributes;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Routing;

namespace CohortKit.Benchmarks.Regions;

/// <summary>One residency check plus one routing decision (the goal: under 1 µs), against a baseline that does the same
/// by region names through a dictionary and a LINQ scan of the endpoints, in the same run. The requests cycle through the three
/// home regions and the data classes; one EU zone is down so that the scan is not trivial.</summary>
[MemoryDiagnoser]
public class ResidencyRoutingBenchmarks
{
    private const int Requests = 1021; // odd, so the cycle does not align with the three regions
    private ResidencyPolicy _policy = ResidencyPolicy.Default;
    private RegionRouter _router = null!;
    private Region[] _homes = [];
    private Region[] _targets = [];
    private DataClass[] _classes = [];
    private Dictionary<(DataClass, string, string), bool> _allowedByName = [];
    private (string Region, string Zone, bool Healthy, double Estimate)[] _endpointsByName = [];

    [GlobalSetup]
    public void Setup()
    {
        _policy = ResidencyPolicy.Default;
        _router = new RegionRouter(_policy, new CatalogueLatencyModel());
        _router.SetHealth("eu-a", false);
        var rng = new Random(7);
        _homes = [.. Enumerable.Range(0, Requests).Select(_ => _policy.Regions[rng.Next(3)])];
        _targets = [.. Enumerable.Range(0, Requests).Select(_ => _policy.Regions[rng.Next(3)])];
        _classes = [.. Enumerable.Range(0, Requests).Select(_ => (DataClass)rng.Next(4))];
        _allowedByName = (from c in Enum.GetValues<DataClass>() from h in _policy.Regions from t in _policy.Regions select (c, h, t))
            .ToDictionary(x => (x.c, x.h.Name, x.t.Name), x => _policy.IsAllowed(x.c, x.h, x.t));
        var model = new CatalogueLatencyModel();
        _endpointsByName = [.. _router.Endpoints.Select(e => (e.Region.Name, e.Zone, _router.IsHealthy(e), model.ExpectedMicros(e.Region, e)))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Requests)]
    public int ByNameDictionaryAndLinq()
    {
        var allowed = 0;
        for (var i = 0; i < Requests; i++)
        {
            if (_allowedByName[(_classes[i], _homes[i].Name, _targets[i].Name)]) { allowed++; }
            var home = _homes[i].Name;
            var best = _endpointsByName.Where(e => e.Region == home && e.Healthy).OrderBy(e => e.Estimate).First();
            allowed += best.Zone.Length;
        }

        return allowed;
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public int CheckAndRoute()
    {
        var allowed = 0;
        for (var i = 0; i < Requests; i++)
        {
            if (_policy.IsAllowed(_classes[i], _homes[i], _targets[i])) { allowed++; }
            allowed += _router.Route(_homes[i]).Index;
        }

        return allowed;
    }
}
