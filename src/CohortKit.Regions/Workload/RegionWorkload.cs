using CohortKit.Regions.DataPlane;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Routing;
using CohortKit.Regions.Stores;

namespace CohortKit.Regions.Workload;

/// <summary>A seeded multi-region workload: registers learners from the policy's countries with activity events, features,
/// cohort memberships and decisions (each written to the home store by the data plane), deliberately attempts cross-border
/// reads and copies for a share of them, and routes every learner's requests through the router with zone outages, tracking
/// latency under the latency model.</summary>
/// <remarks>Deterministic for a seed (except for the wall-clock time it takes). Single-threaded.</remarks>
public sealed class RegionWorkload
{
    private static readonly string[] Plans = ["free", "plus", "pro", "team"];
    private static readonly string[] AgeBands = ["18-24", "25-34", "35-44", "45-54", "55+"];
    private static readonly string[] Kinds = ["session", "quiz", "video"];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RegionWorkloadOptions _options;

    /// <summary>Creates a workload.</summary>
    /// <param name="options">The settings; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter names it.</exception>
    public RegionWorkload(RegionWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        _options = options.Snapshot();
    }

    /// <summary>The learner id of the i-th learner of a run.</summary>
    /// <param name="i">0-based.</param>
    /// <returns>The id.</returns>
    public static string LearnerId(int i) => $"L{i:D8}";

    /// <summary>Runs the workload.</summary>
    /// <param name="plane">The data plane (its stores should be empty).</param>
    /// <param name="latency">The latency model of routed requests.</param>
    /// <param name="progress">Receives the share done, 0..1.</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    /// <returns>The counts and the routing p99.</returns>
    public RegionWorkloadResult Run(RegionDataPlane plane, ILatencyModel latency, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(latency);
        using var activity = RegionsTelemetry.ActivitySource.StartActivity("regions.workload");
        var policy = plane.Policy;
        var rng = new Random(unchecked((int)_options.Seed ^ (int)(_options.Seed >> 32)));
        var countries = policy.Countries.Order(StringComparer.Ordinal).ToArray();
        var homes = new Region[_options.Learners];
        long events = 0;
        for (var first = 0; first < _options.Learners; first += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_options.BatchSize, _options.Learners - first);
            var batch = Batch(first, count, countries, policy, rng, homes);
            plane.Write(batch);
            events += batch.Events.Count;
            progress?.Report(0.8 * (first + count) / _options.Learners);
        }

        var (attempted, refused, audited) = AttemptViolations(plane, homes, rng);
        progress?.Report(0.85);
        var router = new RegionRouter(policy, latency);
        var tracker = new LatencyTracker(policy, TimeSpan.FromMilliseconds(100));
        var failovers = Route(router, tracker, latency, homes, rng);
        progress?.Report(1);
        return new RegionWorkloadResult
        {
            Learners = _options.Learners, Events = events, AttemptedViolations = attempted, Refused = refused, Audited = audited,
            RoutingP99Micros = tracker.Global().P99Micros, Failovers = failovers, Latency = tracker.PerRegion(),
        };
    }

    private LearnerBatch Batch(int first, int count, string[] countries, ResidencyPolicy policy, Random rng, Region[] homes)
    {
        var learners = new List<LearnerRecord>(count);
        var evs = new List<LearnerEvent>(count * _options.MaxEventsPerLearner / 2);
        var features = new List<LearnerFeature>(count);
        var cohorts = new List<CohortMembership>(count);
        var decisions = new List<LearnerDecision>(count / 10);
        for (var i = first; i < first + count; i++)
        {
            var id = LearnerId(i);
            var country = countries[rng.Next(countries.Length)];
            var home = policy.HomeRegionOf(country);
            homes[i] = home;
            var registered = Start.AddMinutes(rng.Next(0, 60 * 24 * 90));
            learners.Add(new LearnerRecord
            {
                LearnerId = id, Country = country, HomeRegion = home.Name, DisplayName = $"Learner {i} {country}", Email = $"learner{i}.{country.ToLowerInvariant()}@example.org",
                Plan = Plans[rng.Next(Plans.Length)], AgeBand = AgeBands[rng.Next(AgeBands.Length)], RegisteredAt = registered,
            });
            var n = rng.Next(_options.MaxEventsPerLearner + 1);
            for (var e = 0; e < n; e++)
            {
                var kind = Kinds[rng.Next(Kinds.Length)];
                var value = kind == "quiz" ? rng.Next(0, 101) : (1 + rng.Next(0, 180)) / 2.0; // minutes in half-minute steps
                evs.Add(new LearnerEvent(id, registered.AddMinutes(rng.Next(1, 60 * 24 * 30)), kind, value));
            }

            features.Add(new LearnerFeature(id, "engagement", Math.Round(rng.NextDouble(), 4)));
            cohorts.Add(new CohortMembership(id, $"cohort-{rng.Next(50)}"));
            if (rng.NextDouble() < 0.1) { decisions.Add(new LearnerDecision(id, "nudge", registered.AddDays(7))); }
        }

        return new LearnerBatch { Learners = learners, Events = evs, Features = features, Cohorts = cohorts, Decisions = decisions };
    }

    private (long Attempted, long Refused, long Audited) AttemptViolations(RegionDataPlane plane, Region[] homes, Random rng)
    {
        long attempted = 0, refused = 0;
        var sequences = new HashSet<long>();
        var policy = plane.Policy;
        for (var i = 0; i < homes.Length; i++)
        {
            if (rng.NextDouble() >= _options.ViolationRate) { continue; }
            var home = homes[i];
            var dataClass = rng.Next(3) switch { 0 => DataClass.Identity, 1 => DataClass.ActivityEvents, _ => DataClass.ModelFeatures };
            var outside = policy.Regions.Where(r => !policy.IsAllowed(dataClass, home, r)).ToArray();
            if (outside.Length == 0) { continue; }
            var target = outside[rng.Next(outside.Length)].Name;
            attempted++;
            try
            {
                if (rng.Next(2) == 0 && dataClass != DataClass.ModelFeatures)
                {
                    _ = dataClass == DataClass.Identity ? plane.ReadIdentity(LearnerId(i), target) : (object)plane.ReadEvents(LearnerId(i), target);
                }
                else
                {
                    plane.Copy(LearnerId(i), dataClass, target);
                }
            }
            catch (ResidencyViolationException ex)
            {
                refused++;
                sequences.Add(ex.AuditSequence);
            }
        }

        return (attempted, refused, sequences.Count);
    }

    private long Route(RegionRouter router, LatencyTracker tracker, ILatencyModel latency, Region[] homes, Random rng)
    {
        long failovers = 0;
        var total = (long)homes.Length * _options.RequestsPerLearner;
        // Outages: during the middle third of the requests, one zone of every region is down; during the last sixth, every zone
        // of one region is down too (its learners then fail over inside their allowed set, or are refused).
        var zones = router.Policy.Regions.Select(r => r.Zones[rng.Next(r.Zones.Count)]).ToArray();
        var regionDown = router.Policy.Regions[rng.Next(router.Policy.Regions.Count)];
        for (long k = 0; k < total; k++)
        {
            if (k == total / 3) { foreach (var z in zones) { router.SetHealth(z, false); } }
            if (k == 2 * total / 3) { foreach (var z in zones) { router.SetHealth(z, true); } }
            if (k == 5 * total / 6) { foreach (var z in regionDown.Zones) { router.SetHealth(z, false); } }
            var home = homes[rng.Next(homes.Length)];
            Endpoint endpoint;
            try
            {
                endpoint = router.Route(home);
            }
            catch (NoAllowedEndpointException)
            {
                continue; // refused, not routed outside the policy; it has no latency
            }

            if (endpoint.Region.Index != home.Index || endpoint.Zone != home.Zones[0]) { failovers++; }
            var micros = latency.SampleMicros(home, endpoint, rng);
            router.Observe(home, endpoint, micros);
            tracker.Record(home, micros);
        }

        return failovers;
    }
}
