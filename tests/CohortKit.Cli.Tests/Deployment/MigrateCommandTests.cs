using System.Text.Json;
using CohortKit.Cli.Deployment;
using CohortKit.Cli.Output;
using CohortKit.Deployment.Migrations;
using CohortKit.Testing;
using Microsoft.Data.Sqlite;

namespace CohortKit.Cli.Tests.Deployment;

/// <summary><c>cohortkit migrate drill</c> and <c>migrate status</c>: the contract's JSON, the table and history left behind, bad input.</summary>
public sealed class MigrateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-migrate-").FullName;

    private string Sqlite => $"Data Source={Path.Combine(_dir, "drill.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Drill_SqliteJson_HasTheContractFields_AndLeavesTableAndHistory()
    {
        var (code, stdout, stderr) = CliRunner.Run("migrate", "drill", "--connection", Sqlite, "--rows", "3000", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("rows", "writesV1", "writesV2", "failedWrites", "backfillSeconds", "phases", "problems");
        root.GetProperty("problems").GetArrayLength().Should().Be(0);
        root.GetProperty("rows").GetInt64().Should().Be(3000);
        root.GetProperty("failedWrites").GetInt64().Should().Be(0);
        // How many writes the two versions get in during a 3,000-row backfill depends on the scheduler: on a loaded CI
        // machine the old version's writer once got none. Counted, never negative; every row is still filled (below).
        var writes = root.GetProperty("writesV1").GetInt64() + root.GetProperty("writesV2").GetInt64();
        root.GetProperty("writesV1").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        root.GetProperty("writesV2").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        root.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("phase").GetString()).Should().Equal("expand", "migrate", "contract");

        using var connection = new SqliteConnection(Sqlite);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM drill_learners WHERE score_band IS NULL";
        Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(0);
        cmd.CommandText = "SELECT COUNT(*) FROM drill_learners";
        Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(3000, 3000 + writes, "the seeded rows plus at most one insert per write");

        var (statusCode, status, _) = CliRunner.Run("migrate", "status", "--connection", Sqlite, "--json");
        statusCode.Should().Be(0);
        using var history = JsonDocument.Parse(status);
        history.RootElement.EnumerateArray().Select(r => (r.GetProperty("version").GetInt64(), r.GetProperty("name").GetString(), r.GetProperty("phase").GetString(), r.GetProperty("checksum").GetString()))
            .Should().Equal(
                (1L, "drill_learners_score_band", "expand", ExpandContractDrill.Migration(SqlDialect.Sqlite).Checksum),
                (1L, "drill_learners_score_band", "migrate", ExpandContractDrill.Migration(SqlDialect.Sqlite).Checksum),
                (1L, "drill_learners_score_band", "contract", ExpandContractDrill.Migration(SqlDialect.Sqlite).Checksum));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Write_UnsoundDrill_ExitsOneAndSaysWhy(bool json)
    {
        // 1,000 seeded + 40 inserted = 1,040 expected, 1,037 in the table: 3 lost; 2 failed writes, 5 unfilled, 1 wrong value,
        // and an early contract that went through.
        var result = new ExpandContractDrillResult
        {
            Rows = 1000, FinalRows = 1037, WritesV1 = 50, WritesV2 = 30, Inserted = 40, FailedWrites = 2, UnfilledRows = 5, MismatchedRows = 1,
            EarlyContractRefused = false, BackfillDuration = TimeSpan.FromSeconds(1.5), V1StoppedAt = DateTimeOffset.UnixEpoch, Phases = [],
        };
        var stdout = new StringWriter();

        var code = MigrateDrillCommand.Write(new CliConsole(stdout, new StringWriter(), interactive: false), result, json);

        code.Should().Be(1);
        string[] expected =
        [
            "2 writes failed",
            "3 rows lost (1000 seeded + 40 inserted, 1037 in the table)",
            "5 rows with score_band NULL after the backfill",
            "1 rows whose score_band disagrees with their score",
            "the contract was not refused while app version 1 still wrote",
        ];
        if (json)
        {
            using var doc = JsonDocument.Parse(stdout.ToString());
            doc.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()).Should().Equal(expected);
        }
        else
        {
            stdout.ToString().Should().Contain("problems: " + string.Join("; ", expected));
        }
    }

    [Fact]
    public async Task Drill_LockHeldByAnotherRunner_ExitsTwoSayingSo_CreatesNoTable()
    {
        await using (await new SqliteMigrationStore(Sqlite).AcquireLockAsync(1, MigrationPhase.Expand, default))
        {
            var (code, _, stderr) = CliRunner.Run("migrate", "drill", "--connection", Sqlite, "--rows", "1000", "--json");

            code.Should().Be(2, stderr);
            stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("holds the lock");
        }

        using var connection = new SqliteConnection(Sqlite);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'drill_learners'";
        Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(0);
    }

    [PostgresFact]
    public void Drill_Postgres_NoFailedWrite()
    {
        using var db = new ScratchDatabase();
        var (code, stdout, stderr) = CliRunner.Run("migrate", "drill", "--connection", db.ConnectionString, "--rows", "20000", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("failedWrites").GetInt64().Should().Be(0);
        db.Scalar("SELECT COUNT(*) FROM cohortkit_migrations").Should().Be(3);
        db.Scalar("SELECT COUNT(*) FROM drill_learners WHERE score_band IS NULL").Should().Be(0);
    }

    [Fact]
    public void Status_EmptySqliteFile_SaysNoMigrationsApplied_CreatesNoTable()
    {
        using (var create = new SqliteConnection(Sqlite))
        {
            create.Open();
        }

        var (code, stdout, stderr) = CliRunner.Run("migrate", "status", "--connection", Sqlite);

        code.Should().Be(0, stderr);
        stdout.Should().Contain("no migrations applied");
        using var connection = new SqliteConnection(Sqlite);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master";
        Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(0, "migrate status is read-only");
    }

    [Fact]
    public void Status_MissingSqliteFile_ExitsTwoNamingConnection_CreatesNoFile()
    {
        var (code, _, stderr) = CliRunner.Run("migrate", "status", "--connection", Sqlite, "--json");

        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--connection").And.Contain("does not exist");
        File.Exists(Path.Combine(_dir, "drill.db")).Should().BeFalse();
    }

    [PostgresFact]
    public void Status_Postgres_WithoutHistory_CreatesNoTable()
    {
        using var db = new ScratchDatabase();

        var (code, stdout, stderr) = CliRunner.Run("migrate", "status", "--connection", db.ConnectionString, "--json");

        code.Should().Be(0, stderr);
        stdout.Trim().Should().Be("[]");
        db.Scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'cohortkit_migrations'").Should().Be(0);
    }

    [Theory]
    [InlineData("status", "Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=5")]
    [InlineData("drill", "Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=5")]
    [InlineData("status", "Host=localhost;Port=not-a-port")]
    [InlineData("drill", "Host=localhost;Colour=blue")]
    [InlineData("drill", "Data Source=/no/such/folder/drill.db")]
    public void UnreachableOrUnparsableConnection_ExitsTwo_OneLineNamingConnection(string command, string connection)
    {
        var (code, _, stderr) = CliRunner.Run(["migrate", command, "--connection", connection, "--json", .. command == "drill" ? ["--rows", "10"] : Array.Empty<string>()]);

        code.Should().Be(2, stderr);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--connection").And.NotContain("Exception");
    }

    [PostgresFact]
    public void RefusedCredentials_ExitsTwo_OneLineNamingConnection()
    {
        foreach (var command in new[] { "status", "drill" })
        {
            var (code, _, stderr) = CliRunner.Run("migrate", command, "--connection", "Host=/var/run/postgresql;Username=cohortkit_no_such_role;Database=postgres");

            code.Should().Be(2, stderr);
            stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--connection").And.Contain("cohortkit_no_such_role").And.NotContain("Exception");
        }
    }

    [Theory]
    [InlineData("Provider=Oracle", "--connection")]
    [InlineData("", "--connection")]
    public void Drill_BadConnection_ExitsTwoNamingTheOption(string connection, string option)
    {
        var (code, _, stderr) = CliRunner.Run("migrate", "drill", "--connection", connection, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(option);
    }

    [Fact]
    public void Drill_ZeroRows_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = CliRunner.Run("migrate", "drill", "--connection", Sqlite, "--rows", "0");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--rows");
    }
}
