using Microsoft.Data.Sqlite;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>A SQLite database file in a fresh temporary folder, deleted after the test.</summary>
internal sealed class SqliteScratch : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit_test_").FullName;

    public SqliteScratch() => ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dir, "db.sqlite") }.ConnectionString;

    public string ConnectionString { get; }

    public void Execute(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public long Scalar(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool HasColumn(string table, string column) => Scalar($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'") == 1;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
