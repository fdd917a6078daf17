using System.Data.Common;
using CohortKit.Regions.Stores;

namespace CohortKit.Regions.Tests.Stores;

/// <summary>What every <see cref="IRegionStore"/> must do, run on SQLite and on PostgreSQL; counts are read back with raw SQL.</summary>
public sealed class RegionStoreTests
{
    internal static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    internal static LearnerRecord Learner(string id, string country = "DE", string home = "eu", string plan = "free") => new()
    {
        LearnerId = id, Country = country, HomeRegion = home, DisplayName = $"Name {id}", Email = $"{id}@example.org", Plan = plan, AgeBand = "25-34", RegisteredAt = T0,
    };

    private static LearnerBatch Sample() => new()
    {
        Learners = [Learner("a"), Learner("b", plan: "pro"), Learner("c")],
        Events =
        [
            new("a", T0.AddMinutes(1), "session", 12.5), new("a", T0.AddMinutes(2), "session", 7.25), new("a", T0.AddMinutes(3), "quiz", 100),
            new("b", T0.AddMinutes(4), "session", 30),
        ],
        Features = [new("a", "engagement", 0.5), new("b", "engagement", 0.25)],
        Cohorts = [new("a", "cohort-1"), new("c", "cohort-2")],
        Decisions = [new("a", "nudge", T0.AddDays(1))],
    };

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Write_ThenReadLearner_ReturnsEveryRowExactly(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var store = stores.Open("eu");
        store.Write(Sample());
        var a = store.ReadLearner("a");
        a.Learners.Should().Equal(Learner("a"));
        a.Events.Should().Equal(new LearnerEvent("a", T0.AddMinutes(1), "session", 12.5), new LearnerEvent("a", T0.AddMinutes(2), "session", 7.25), new LearnerEvent("a", T0.AddMinutes(3), "quiz", 100));
        a.Features.Should().Equal(new LearnerFeature("a", "engagement", 0.5));
        a.Cohorts.Should().Equal(new CohortMembership("a", "cohort-1"));
        a.Decisions.Should().Equal(new LearnerDecision("a", "nudge", T0.AddDays(1)));
        store.FindLearner("nobody").Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void LearnerTotals_SumsSessionMinutes_LearnerWithoutSessionIsZero(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var store = stores.Open("eu");
        store.Write(Sample());
        store.LearnerTotals("session", "plan").Should().Equal(new LearnerTotal("a", "free", 19.75), new LearnerTotal("b", "pro", 30), new LearnerTotal("c", "free", 0));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void LearnerTotals_PersonalColumn_IsRefusedNamingIt(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var store = stores.Open("eu");
        var act = () => store.LearnerTotals("session", "email").ToList();
        act.Should().Throw<ArgumentException>().WithMessage("*'email' is personal data*");
        act = () => store.LearnerTotals("session", "shoe_size").ToList();
        act.Should().Throw<ArgumentException>().WithMessage("*'shoe_size' is not a column of learners*");
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void EraseLearner_DeletesEveryRowOfTheLearner_AndNoOther(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var store = stores.Open("eu");
        store.Write(Sample());
        store.EraseLearner("a").Should().Be(1 + 3 + 1 + 1 + 1);
        using var raw = stores.Raw("eu");
        foreach (var table in RegionSchema.LearnerTables)
        {
            Count(raw, $"SELECT COUNT(*) FROM {table} WHERE learner_id = 'a'").Should().Be(0, table);
        }

        Count(raw, "SELECT COUNT(*) FROM learners").Should().Be(2);
        Count(raw, "SELECT COUNT(*) FROM events").Should().Be(1);
    }

    [Fact]
    public void SqliteEraseLearner_LeavesNoneOfTheLearnersBytesInTheFileOrItsLog()
    {
        // SQLite only marks deleted rows free: without secure_delete and a checkpoint the e-mail stayed readable in eu.db.
        using var stores = new TestStores(StoreKind.Sqlite);
        using (var store = stores.Open("eu"))
        {
            store.Write(Sample());
            store.EraseLearner("a");
        }

        var email = System.Text.Encoding.UTF8.GetBytes("a@example.org");
        foreach (var file in Directory.GetFiles(stores.Directory, "eu.db*"))
        {
            File.ReadAllBytes(file).AsSpan().IndexOf(email).Should().Be(-1, file);
        }

        File.ReadAllBytes(Path.Combine(stores.Directory, "eu.db")).AsSpan().IndexOf("b@example.org"u8).Should().BeGreaterThanOrEqualTo(0, "the other learners stay");
    }

    [CohortKit.Testing.PostgresFact]
    public void PostgresEraseLearner_LeavesNoneOfTheLearnersBytesInAnyTableOrIndexPage()
    {
        // A DELETE leaves dead tuples; a plain VACUUM frees them but left the e-mail in the learners heap page and the id in
        // the primary-key index (pageinspect). Every page of every relation of the region's database is read raw here.
        // Needs a superuser (pageinspect's get_raw_page), as the local test cluster's role is.
        using var stores = new TestStores(StoreKind.Postgres);
        using (var store = stores.Open("eu"))
        {
            store.Write(Sample());
            store.EraseLearner("a").Should().Be(1 + 3 + 1 + 1 + 1);
        }

        using var raw = stores.Raw("eu");
        using (var ext = raw.CreateCommand())
        {
            ext.CommandText = "CREATE EXTENSION IF NOT EXISTS pageinspect";
            ext.ExecuteNonQuery();
        }

        const string PagesHolding = """
            SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              CROSS JOIN LATERAL generate_series(0, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int - 1) AS b
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')
              AND position(convert_to('{0}', 'UTF8') IN get_raw_page(c.oid::regclass::text, b)) > 0
            """;
        Count(raw, string.Format(System.Globalization.CultureInfo.InvariantCulture, PagesHolding, "a@example.org")).Should().Be(0, "the erased e-mail");
        Count(raw, string.Format(System.Globalization.CultureInfo.InvariantCulture, PagesHolding, "Name a")).Should().Be(0, "the erased name");
        Count(raw, string.Format(System.Globalization.CultureInfo.InvariantCulture, PagesHolding, "b@example.org")).Should().BePositive("the other learners stay");
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Write_FailingBatch_WritesNothing(StoreKind kind)
    {
        using var stores = new TestStores(kind);
        using var store = stores.Open("eu");
        store.Write(new LearnerBatch { Learners = [Learner("a")] });
        var act = () => store.Write(new LearnerBatch { Learners = [Learner("z"), Learner("a")] }); // duplicate key
        act.Should().Throw<DbException>();
        using var raw = stores.Raw("eu");
        Count(raw, "SELECT COUNT(*) FROM learners").Should().Be(1);
    }

    [Fact]
    public void SqliteOpen_CreatesOneFilePerRegion()
    {
        using var stores = new TestStores(StoreKind.Sqlite);
        using (stores.Open("asia")) { }
        File.Exists(Path.Combine(stores.Directory, "asia.db")).Should().BeTrue();
    }

    [CohortKit.Testing.PostgresFact]
    public void PostgresOpen_RefusesADatabaseNameThatIsNotAPlainIdentifier()
    {
        var act = () => PostgresRegionStore.Open(TestStores.PostgresConnection, "eu", "bad; DROP DATABASE x");
        act.Should().Throw<ArgumentException>().WithParameterName("databaseName");
    }

    internal static long Count(DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
