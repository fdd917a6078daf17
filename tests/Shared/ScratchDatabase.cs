using Npgsql;

namespace CohortKit.Testing;

/// <summary>A PostgreSQL database named <c>cohortkit_test_…</c> created for one test and dropped (forcibly) after it.</summary>
internal sealed class ScratchDatabase : IDisposable
{
    private readonly string _admin;

    public ScratchDatabase()
    {
        _admin = PostgresFactAttribute.ConnectionString ?? throw new InvalidOperationException("PostgreSQL is not reachable (COHORTKIT_REQUIRE_PG=1).");
        Name = $"cohortkit_test_{Guid.NewGuid():N}";
        Execute($"CREATE DATABASE {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name, Pooling = false }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => Execute($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Pooling = false }.ConnectionString);
        connection.Open();
        using var cmd = new NpgsqlCommand(sql, connection);
        cmd.ExecuteNonQuery();
    }
}
