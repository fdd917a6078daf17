using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CohortKit.Regions.Audit;
using CohortKit.Regions.DataPlane;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Routing;
using CohortKit.Regions.Stores;
using CohortKit.Regions.Tests.Stores;
using CohortKit.Regions.Workload;
using Xunit.Abstractions;

namespace CohortKit.Regions.Tests.Workload;

/// <summary>The test that proves residency: a randomised workload of 100,000 learners across the three regions, on SQLite and on
/// real PostgreSQL; then the test opens every store itself and checks that no EU learner's row is outside the EU store, that the
/// audit log holds no personal data, that every refused access is audited (by the right token, home and target), and that
/// erasure leaves no trace while the chain still verifies.</summary>
public sealed partial class ResidencyProofTests(ITestOutputHelper output)
{
    private const int Learners = 100_000;

    // Written out here, not taken from the library: the EU countries of the default catalogue.
    private static readonly HashSet<string> EuCountries = ["DE", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "AT", "IE", "PT", "FI", "DK"];
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(255 - i))];

    [GeneratedRegex(@"L\d{8}|@example\.org|Learner \d")]
    private static partial Regex PersonalData();

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Workload_100kLearners_NoEuRowOutsideTheEu_NoPiiInAudit_EveryRefusalAudited_ErasureLeavesNoTrace(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        var policy = ResidencyPolicy.Default;
        var auditPath = Path.Combine(stores.Directory, "audit.jsonl");
        var pseudonymizer = new Pseudonymizer(Key);
        RegionWorkloadResult result;
        var erased = new[] { RegionWorkload.LearnerId(17), RegionWorkload.LearnerId(4_242), RegionWorkload.LearnerId(99_999) };
        var clock = Stopwatch.StartNew();
        using (var audit = AuditLog.Open(auditPath))
        using (var plane = new RegionDataPlane(new ResidencyGuard(policy, audit, pseudonymizer), policy.Regions.Select(r => stores.Open(r.Name))))
        {
            result = new RegionWorkload(new RegionWorkloadOptions { Learners = Learners, Seed = 2026 }).Run(plane, new CatalogueLatencyModel());
            output.WriteLine($"{kind}: workload of {Learners:N0} learners and {result.Events:N0} events in {clock.Elapsed.TotalSeconds:F1} s");
            foreach (var id in erased) { plane.Erase(id); }
        }

        result.Learners.Should().Be(Learners);
        result.AttemptedViolations.Should().BeGreaterThan(500);
        result.Refused.Should().Be(result.AttemptedViolations);
        result.Audited.Should().Be(result.Refused);
        result.RoutingP99Micros.Should().BeLessThan(100_000);

        // 1. Every store, opened here: each learner is in the store of its country's region, and no row of an EU learner
        //    (by country, and by id in every table) is in a non-EU store.
        var euIds = new HashSet<string>(StringComparer.Ordinal);
        var people = new Dictionary<string, (string Home, string Email, string Name)>(StringComparer.Ordinal);
        long learnersSeen = 0, eventsSeen = 0;
        foreach (var region in policy.Regions)
        {
            using var raw = stores.Raw(region.Name);
            foreach (var (id, country, home, email, name) in Rows(raw, "SELECT learner_id, country, home_region, email, display_name FROM learners", r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4))))
            {
                home.Should().Be(region.Name);
                EuCountries.Contains(country).Should().Be(region.Name == "eu", $"{country} stored in {region.Name}");
                if (region.Name == "eu") { euIds.Add(id); }
                people.Add(id, (home, email, name));
                learnersSeen++;
            }

            eventsSeen += RegionStoreTests.Count(raw, "SELECT COUNT(*) FROM events");
        }

        learnersSeen.Should().Be(Learners - erased.Length);
        euIds.Count.Should().BeInRange(35_000, 52_000); // 13 of the 30 countries, drawn uniformly
        foreach (var region in policy.Regions.Where(r => r.Name != "eu"))
        {
            using var raw = stores.Raw(region.Name);
            foreach (var table in RegionSchema.LearnerTables)
            {
                Rows(raw, $"SELECT DISTINCT learner_id FROM {table}", r => r.GetString(0)).Count(euIds.Contains).Should().Be(0, $"{region.Name}.{table}");
            }
        }

        // 2. No personal data in the audit log: no learner id, e-mail or name, checked against every learner.
        var text = File.ReadAllText(auditPath);
        PersonalData().IsMatch(text).Should().BeFalse();
        var strings = new List<string>();
        foreach (var line in File.ReadLines(auditPath))
        {
            using var doc = JsonDocument.Parse(line);
            strings.AddRange(doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!));
        }

        var personal = people.Keys.Concat(people.Values.Select(p => p.Email)).Concat(people.Values.Select(p => p.Name)).ToHashSet(StringComparer.Ordinal);
        strings.Where(personal.Contains).Should().BeEmpty();

        // 3. Every refused access is audited: as many refusal entries as refusals, each naming by token a real learner, the
        //    learner's home region as the source, and a target the policy does not allow.
        var tokenOf = Enumerable.Range(0, Learners).Select(RegionWorkload.LearnerId).ToDictionary(pseudonymizer.Token, id => id);
        var entries = AuditVerifier.ReadFile(auditPath);
        var refusals = entries.Where(e => e.Record.Action is AuditAction.ReadRefused or AuditAction.CopyRefused).ToList();
        refusals.Should().HaveCount((int)result.Refused);
        var homeOfId = Enumerable.Range(0, Learners).Select(RegionWorkload.LearnerId).Where(id => people.ContainsKey(id)).ToDictionary(id => id, id => people[id].Home);
        foreach (var e in refusals)
        {
            var id = tokenOf[e.Record.Subject!];
            if (homeOfId.TryGetValue(id, out var home)) { e.Record.SourceRegion.Should().Be(home); }
            policy.IsAllowed(e.Record.DataClass!.Value, policy.GetRegion(e.Record.SourceRegion!), policy.GetRegion(e.Record.TargetRegion!)).Should().BeFalse();
        }

        // 4. Erasure: the erased learners are in no table of any store, their erasures are audited by token, and the chain verifies.
        foreach (var region in policy.Regions)
        {
            using var raw = stores.Raw(region.Name);
            foreach (var table in RegionSchema.LearnerTables)
            {
                RegionStoreTests.Count(raw, $"SELECT COUNT(*) FROM {table} WHERE learner_id IN ('{string.Join("','", erased)}')").Should().Be(0);
            }
        }

        entries.Where(e => e.Record.Action == AuditAction.Erased).Select(e => e.Record.Subject).Should().Equal(erased.Select(pseudonymizer.Token));
        var verification = AuditVerifier.VerifyFile(auditPath);
        verification.Intact.Should().BeTrue(verification.Problem);
        output.WriteLine($"{kind}: {eventsSeen:N0} events, {result.Refused} refusals audited, routing p99 {result.RoutingP99Micros:F0} µs; whole test {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static List<T> Rows<T>(System.Data.Common.DbConnection c, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) { list.Add(read(r)); }
        return list;
    }
}
