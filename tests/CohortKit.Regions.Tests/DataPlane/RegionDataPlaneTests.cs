using CohortKit.Regions.Audit;
using CohortKit.Regions.DataPlane;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Stores;
using CohortKit.Regions.Tests.Stores;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Regions.Tests.DataPlane;

/// <summary>The data plane: writes land in the home store only, cross-border reads and copies are refused and audited, erasure
/// leaves nothing in any store, export reads the home store. Every check opens the stores with raw SQL.</summary>
public sealed class RegionDataPlaneTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))];
    private static readonly DateTimeOffset T0 = RegionStoreTests.T0;

    private static RegionDataPlane Plane(TestStores stores, ResidencyPolicy policy, AuditLog audit)
        => new(new ResidencyGuard(policy, audit, new Pseudonymizer(Key)), policy.Regions.Select(r => stores.Open(r.Name)), new FakeTimeProvider(T0));

    private static LearnerBatch Batch(ResidencyPolicy policy) => new()
    {
        Learners =
        [
            RegionStoreTests.Learner("eu-1", "DE", "eu"), RegionStoreTests.Learner("us-1", "US", "americas"), RegionStoreTests.Learner("jp-1", "JP", "asia"),
        ],
        Events = [new("eu-1", T0, "session", 5), new("us-1", T0, "session", 6), new("jp-1", T0, "quiz", 1)],
        Features = [new("eu-1", "engagement", 0.9)],
        Cohorts = [new("eu-1", "c1")],
        Decisions = [new("eu-1", "nudge", T0)],
    };

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Write_PutsEachLearnersRowsInTheHomeStoreOnly(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var audit = AuditLog.InMemory();
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            plane.Write(Batch(plane.Policy));
        }

        foreach (var (region, learner) in new[] { ("eu", "eu-1"), ("americas", "us-1"), ("asia", "jp-1") })
        {
            using var raw = stores.Raw(region);
            RegionStoreTests.Count(raw, "SELECT COUNT(*) FROM learners").Should().Be(1);
            RegionStoreTests.Count(raw, $"SELECT COUNT(*) FROM learners WHERE learner_id = '{learner}'").Should().Be(1);
            RegionStoreTests.Count(raw, $"SELECT COUNT(*) FROM events WHERE learner_id <> '{learner}'").Should().Be(0);
        }
    }

    [Fact]
    public void Write_WrongHomeRegion_IsRefusedAndWritesNothing()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            var act = () => plane.Write(new LearnerBatch { Learners = [RegionStoreTests.Learner("ok", "FR", "eu"), RegionStoreTests.Learner("x", "DE", "americas")] });
            act.Should().Throw<ArgumentException>().WithMessage("learners[1].home_region*");
            act = () => plane.Write(new LearnerBatch { Learners = [RegionStoreTests.Learner("x", "ZZ", "eu")] });
            act.Should().Throw<ArgumentException>().WithMessage("learners[0].country: Unknown country 'ZZ'*");
            act = () => plane.Write(new LearnerBatch { Events = [new("ghost", T0, "session", 1)] });
            act.Should().Throw<ArgumentException>().WithMessage("events[0].learner_id*");
        }

        foreach (var r in ResidencyPolicy.Default.Regions)
        {
            using var raw = stores.Raw(r.Name);
            RegionStoreTests.Count(raw, "SELECT COUNT(*) FROM learners").Should().Be(0);
        }
    }

    [Fact]
    public void ReadAndCopy_AcrossTheBorder_AreRefusedAudited_AndTouchNoStore()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            plane.Write(Batch(plane.Policy));
            plane.ReadIdentity("eu-1", "eu").Email.Should().Be("eu-1@example.org");
            plane.ReadEvents("eu-1", "eu").Should().ContainSingle();
            var read = () => plane.ReadIdentity("eu-1", "americas");
            read.Should().Throw<ResidencyViolationException>();
            var events = () => plane.ReadEvents("eu-1", "asia");
            events.Should().Throw<ResidencyViolationException>();
            var copy = () => plane.Copy("eu-1", DataClass.ActivityEvents, "americas");
            copy.Should().Throw<ResidencyViolationException>().Which.Operation.Should().Be(ResidencyOperation.Copy);
            var aggregates = () => plane.Copy("eu-1", DataClass.Aggregates, "americas");
            aggregates.Should().Throw<ArgumentException>().WithParameterName("dataClass");
        }

        audit.Snapshot().Select(e => e.Record.Action).Should().Equal(AuditAction.ReadRefused, AuditAction.ReadRefused, AuditAction.CopyRefused);
        using var us = stores.Raw("americas");
        RegionStoreTests.Count(us, "SELECT COUNT(*) FROM events WHERE learner_id = 'eu-1'").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Erase_RemovesTheLearnerAndAnAllowedCopyFromEveryStore_AndTheChainVerifies(StoreKind kind)
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.Regions.Add(new RegionOptions { Name = "eu-north", Jurisdiction = "EU", Zones = ["eu-north-a"] });
        foreach (var rule in o.DataClasses.Values) { rule.AllowedRegions.Add("eu-north"); }
        var policy = new ResidencyPolicy(o);
        using var stores = new TestStores(kind);
        var auditPath = Path.Combine(stores.Directory, "audit.jsonl");
        ErasureReceipt receipt;
        using (var audit = AuditLog.Open(auditPath))
        using (var plane = Plane(stores, policy, audit))
        {
            plane.Write(Batch(policy));
            plane.Copy("eu-1", DataClass.Identity, "eu-north").Should().Be(1);
            plane.Copy("eu-1", DataClass.ModelFeatures, "eu-north").Should().Be(3);
            receipt = plane.Erase("eu-1");
            var again = () => plane.HomeOf("eu-1");
            again.Should().Throw<ArgumentException>();
        }

        receipt.RowsDeleted.Should().Be(5 + 1 + 3);
        receipt.SubjectToken.Should().Be(new Pseudonymizer(Key).Token("eu-1"));
        foreach (var region in policy.Regions)
        {
            using var raw = stores.Raw(region.Name);
            foreach (var table in RegionSchema.LearnerTables)
            {
                RegionStoreTests.Count(raw, $"SELECT COUNT(*) FROM {table} WHERE learner_id = 'eu-1'").Should().Be(0, $"{region.Name}.{table}");
            }
        }

        AuditVerifier.VerifyFile(auditPath).Intact.Should().BeTrue();
        var text = File.ReadAllText(auditPath);
        text.Should().NotContain("eu-1@").And.NotContain("\"eu-1\"").And.NotContain("Name eu-1");
        AuditVerifier.ReadFile(auditPath).Select(e => e.Record.Action).Should().Equal(AuditAction.Copied, AuditAction.Copied, AuditAction.Erased);
    }

    /// <summary>Writes the batch through a data plane, then plants an identity row of eu-1 straight into another region's
    /// store (as a buggy writer or an attacker could) and optionally deletes the real one from the eu store.</summary>
    private static void Plant(TestStores stores, AuditLog audit, string plantRegion, string plantedHome, bool deleteHomeRow)
    {
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            plane.Write(Batch(plane.Policy));
        }

        using (var store = stores.Open(plantRegion))
        {
            store.Write(new LearnerBatch { Learners = [RegionStoreTests.Learner("eu-1", "DE", plantedHome)] });
        }

        if (deleteHomeRow)
        {
            using var raw = stores.Raw("eu");
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "DELETE FROM learners WHERE learner_id = 'eu-1'";
            cmd.ExecuteNonQuery().Should().Be(1);
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Erase_IdentityRowPlantedOutsideTheHome_ErasesEverywhere_KeepsTheRealHome_AndAuditsTheMisplacedRow(StoreKind kind)
    {
        // americas comes first in the catalogue and the planted row names americas as home: the old lookup took it for the home.
        var (receipt, entries) = PlantAndErase(kind, "americas", "americas", deleteHomeRow: false);
        receipt.HomeRegion.Should().Be("eu");
        receipt.MisplacedRegions.Should().Equal("americas");
        receipt.RowsDeleted.Should().Be(5 + 1); // the five home rows (learner, event, feature, cohort, decision) and the planted one
        var token = new Pseudonymizer(Key).Token("eu-1");
        entries.Select(e => e.Record).Should().Equal(
            new AuditRecord { Action = AuditAction.MisplacedDataFound, SourceRegion = "eu", TargetRegion = "americas", Subject = token, Detail = "erased" },
            new AuditRecord { Action = AuditAction.Erased, SourceRegion = "eu", Subject = token, Detail = "rows=6;stores=3" });
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Erase_OnlyAMisplacedIdentityRowLeft_StillErasesEverythingTheStoresHold(StoreKind kind)
    {
        // The eu identity row is gone but eu still holds the learner's events, features, cohort and decision, and asia holds a
        // planted identity row: the old lookup found no home and refused to erase anything.
        var (receipt, entries) = PlantAndErase(kind, "asia", "eu", deleteHomeRow: true);
        (receipt.HomeRegion, receipt.RowsDeleted).Should().Be(("eu", 4 + 1));
        receipt.MisplacedRegions.Should().Equal("asia");
        entries.Select(e => e.Record.Action).Should().Equal(AuditAction.MisplacedDataFound, AuditAction.Erased);
    }

    [Fact]
    public void Export_IdentityRowPlantedOutsideTheHome_ReadsTheHomeRegionOnly_AndReportsTheMisplacedRow()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        Plant(stores, audit, "americas", "americas", deleteHomeRow: false);
        using var plane = Plane(stores, ResidencyPolicy.Default, audit);
        var export = plane.Export("eu-1");
        export.HomeRegion.Should().Be("eu");
        export.Learner.Should().Be(RegionStoreTests.Learner("eu-1", "DE", "eu"));
        export.Events.Should().Equal(new LearnerEvent("eu-1", T0, "session", 5));
        export.MisplacedRegions.Should().Equal("americas");
        audit.Snapshot().Select(e => (e.Record.Action, e.Record.TargetRegion)).Should().Equal((AuditAction.MisplacedDataFound, "americas"), (AuditAction.Exported, null));
    }

    [Fact]
    public void Export_OnlyAMisplacedIdentityRowLeft_IsRefusedNamingTheLearnerAndTheHome()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        Plant(stores, audit, "asia", "eu", deleteHomeRow: true);
        using var plane = Plane(stores, ResidencyPolicy.Default, audit);
        var act = () => plane.Export("eu-1");
        act.Should().Throw<ArgumentException>().WithParameterName("learnerId").WithMessage("*no identity row in its home region 'eu'*asia*");
    }

    /// <summary>Plants a row (see <see cref="Plant"/>), erases eu-1 through a new data plane (as a later process would), and
    /// checks with raw SQL that no store holds any row of eu-1.</summary>
    private static (ErasureReceipt Receipt, IReadOnlyList<AuditEntry> Entries) PlantAndErase(StoreKind kind, string plantRegion, string plantedHome, bool deleteHomeRow)
    {
        using var stores = new TestStores(kind);
        using var audit = AuditLog.InMemory();
        Plant(stores, audit, plantRegion, plantedHome, deleteHomeRow);
        ErasureReceipt receipt;
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            receipt = plane.Erase("eu-1");
        }

        AssertGone(stores, "eu-1");
        return (receipt, audit.Snapshot());
    }

    private static void AssertGone(TestStores stores, string learnerId)
    {
        foreach (var region in ResidencyPolicy.Default.Regions)
        {
            using var raw = stores.Raw(region.Name);
            foreach (var table in RegionSchema.LearnerTables)
            {
                RegionStoreTests.Count(raw, $"SELECT COUNT(*) FROM {table} WHERE learner_id = '{learnerId}'").Should().Be(0, $"{region.Name}.{table}");
            }
        }
    }

    [Fact]
    public void Export_ReadsEverythingFromTheHomeStore_ForALearnerOfAnEarlierProcess()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            plane.Write(Batch(plane.Policy));
        }

        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            var export = plane.Export("eu-1");
            export.HomeRegion.Should().Be("eu");
            export.Learner.Should().Be(RegionStoreTests.Learner("eu-1", "DE", "eu"));
            export.Events.Should().Equal(new LearnerEvent("eu-1", T0, "session", 5));
            export.Features.Should().ContainSingle();
            export.Cohorts.Should().ContainSingle();
            export.Decisions.Should().ContainSingle();
            export.ExportedAt.Should().Be(T0);
            var unknown = () => plane.Export("nobody");
            unknown.Should().Throw<ArgumentException>().WithParameterName("learnerId");
        }

        audit.Snapshot().Single().Record.Action.Should().Be(AuditAction.Exported);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Transfer_MovesEveryRowToTheNewHome_AndLeavesNoneBehind(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var audit = AuditLog.InMemory();
        using (var plane = Plane(stores, ResidencyPolicy.Default, audit))
        {
            plane.Write(Batch(plane.Policy));
            plane.Transfer("eu-1", "jp").Name.Should().Be("asia");
            plane.HomeOf("eu-1").Name.Should().Be("asia");
            plane.ReadIdentity("eu-1", "asia").Should().Match<LearnerRecord>(l => l.Country == "JP" && l.HomeRegion == "asia");
            var same = () => plane.Transfer("eu-1", "KR");
            same.Should().Throw<ArgumentException>().WithParameterName("newCountry");
        }

        using (var eu = stores.Raw("eu"))
        {
            foreach (var table in RegionSchema.LearnerTables) { RegionStoreTests.Count(eu, $"SELECT COUNT(*) FROM {table} WHERE learner_id = 'eu-1'").Should().Be(0, table); }
        }

        using (var asia = stores.Raw("asia"))
        {
            RegionStoreTests.Count(asia, "SELECT COUNT(*) FROM events WHERE learner_id = 'eu-1'").Should().Be(1);
            RegionStoreTests.Count(asia, "SELECT COUNT(*) FROM features WHERE learner_id = 'eu-1'").Should().Be(1);
        }

        audit.Snapshot().Single().Record.Should().Match<AuditRecord>(r => r.Action == AuditAction.Transferred && r.SourceRegion == "eu" && r.TargetRegion == "asia");
    }

    [Fact]
    public void Constructor_MissingStore_ThrowsNamingTheRegion()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using var audit = AuditLog.InMemory();
        var guard = new ResidencyGuard(ResidencyPolicy.Default, audit, new Pseudonymizer(Key));
        using var eu = stores.Open("eu");
        var act = () => new RegionDataPlane(guard, [eu]);
        act.Should().Throw<ArgumentException>().WithMessage("Region 'americas' has no store*");
    }
}
