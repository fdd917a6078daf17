using Npgsql;

namespace CohortKit.Testing;

/// <summary>A fact that needs PostgreSQL (shared by the Reliability and Regions tests, linked into each): <c>COHORTKIT_PG</c> (a connection string for a role that may create databases), or
/// the local server's socket as the current OS user. Skipped with the reason when neither answers, unless
/// <c>COHORTKIT_REQUIRE_PG=1</c> (set by .ci/run after it starts the server), when the test runs and fails instead.</summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public static readonly string? ConnectionString = Probe();

    public PostgresFactAttribute()
    {
        if (ConnectionString is null && Environment.GetEnvironmentVariable("COHORTKIT_REQUIRE_PG") != "1")
        {
            Skip = "PostgreSQL is not reachable: start it (pg_ctlcluster 15 main start; see docs/reliability.md, docs/regions.md or docs/deployment.md) or set COHORTKIT_PG to a connection string.";
        }
    }

    private static string? Probe()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("COHORTKIT_PG"), $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres" };
        foreach (var c in candidates.Where(c => !string.IsNullOrWhiteSpace(c)))
        {
            try
            {
                using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(c) { Timeout = 3, Pooling = false }.ConnectionString);
                connection.Open();
                return c;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or ArgumentException or InvalidOperationException)
            {
                // try the next candidate
            }
        }

        return null;
    }
}
