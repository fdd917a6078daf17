using System.Data.Common;
using CohortKit.Regions.Stores;
using CohortKit.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CohortKit.Regions.Tests.Stores;

/// <summary>The backends the store tests run on.</summary>
public enum StoreKind
{
    /// <summary>One SQLite file per region.</summary>
    Sqlite,

    /// <summary>One PostgreSQL database per region.</summary>
    Postgres,
}

/// <summary>Creates region stores for a test and removes them afterwards (temporary directory; databases named
/// <c>cohortkit_test_…</c>, dropped). PostgreSQL runs when it is reachable or required (<c>COHORTKIT_REQUIRE_PG=1</c>).</summary>
internal sealed class TestStores : IDisposable
{
    private readonly string _prefix = $"cohortkit_test_{Guid.NewGuid():N}"[..31];
    private readonly List<string> _databases = [];

    public TestStores(StoreKind kind) => Kind = kind;

    public StoreKind Kind { get; }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cohortkit-regions-").FullName;

    /// <summary>The kinds to run: SQLite always, PostgreSQL when reachable or required.</summary>
    public static TheoryData<StoreKind> Kinds
    {
        get
        {
            var data = new TheoryData<StoreKind> { StoreKind.Sqlite };
            if (PostgresFactAttribute.ConnectionString is not null || Environment.GetEnvironmentVariable("COHORTKIT_REQUIRE_PG") == "1")
            {
                data.Add(StoreKind.Postgres);
            }

            return data;
        }
    }

    public static string PostgresConnection => PostgresFactAttribute.ConnectionString
        ?? throw new InvalidOperationException("PostgreSQL is required (COHORTKIT_REQUIRE_PG=1) but not reachable.");

    public string DatabaseOf(string region) => $"{_prefix}_{region.Replace('-', '_')}";

    public IRegionStore Open(string region)
    {
        if (Kind == StoreKind.Sqlite)
        {
            return SqliteRegionStore.Open(Directory, region);
        }

        var db = DatabaseOf(region);
        if (!_databases.Contains(db)) { _databases.Add(db); }
        return PostgresRegionStore.Open(PostgresConnection, region, db);
    }

    public DbConnection Raw(string region)
    {
        DbConnection c = Kind == StoreKind.Sqlite
            ? new SqliteConnection($"Data Source={SqliteRegionStore.PathOf(Directory, region)};Pooling=False")
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresConnection) { Database = DatabaseOf(region), Pooling = false }.ConnectionString);
        c.Open();
        return c;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
        foreach (var db in _databases)
        {
            PostgresRegionStore.Drop(PostgresConnection, db);
        }
    }
}
