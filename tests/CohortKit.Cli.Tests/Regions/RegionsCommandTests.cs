using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace CohortKit.Cli.Tests.Regions;

/// <summary><c>cohortkit regions …</c> on SQLite: the contract's JSON, aggregate numbers recomputed here from the raw stores
/// with exact decimal arithmetic, erase/export, and the exit codes (2 bad input, 4 broken chain).</summary>
public sealed class RegionsCommandTests : IDisposable
{
    private static readonly string[] Regions = ["americas", "eu", "asia"];
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-regions-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private JsonElement Workload(int learners = 3000)
    {
        var (code, stdout, stderr) = CliRunner.Run("regions", "workload", "--learners", learners.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "5", "--data-dir", _dir, "--json");
        code.Should().Be(0, stderr);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private List<(string Id, string Plan, decimal Total)> RawTotals()
    {
        var rows = new List<(string, string, decimal)>();
        foreach (var region in Regions)
        {
            using var c = new SqliteConnection($"Data Source={Path.Combine(_dir, region + ".db")};Pooling=False");
            c.Open();
            var totals = new Dictionary<string, decimal>();
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT learner_id, value FROM events WHERE kind = 'session'";
                using var r = cmd.ExecuteReader();
                while (r.Read()) { totals[r.GetString(0)] = totals.GetValueOrDefault(r.GetString(0)) + (decimal)r.GetDouble(1); }
            }

            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT learner_id, plan FROM learners";
                using var r = cmd.ExecuteReader();
                while (r.Read()) { rows.Add((r.GetString(0), r.GetString(1), totals.GetValueOrDefault(r.GetString(0)))); }
            }
        }

        return rows;
    }

    [Fact]
    public void Workload_Json_HasTheContractFields_AndEveryAttemptIsRefusedAndAudited()
    {
        var root = Workload();
        root.EnumerateObject().Select(p => p.Name).Should().Equal("learners", "events", "attemptedViolations", "refused", "audited", "routingP99Micros");
        root.GetProperty("learners").GetInt64().Should().Be(3000);
        root.GetProperty("attemptedViolations").GetInt64().Should().BePositive();
        root.GetProperty("refused").GetInt64().Should().Be(root.GetProperty("attemptedViolations").GetInt64());
        root.GetProperty("audited").GetInt64().Should().Be(root.GetProperty("refused").GetInt64());
        root.GetProperty("routingP99Micros").GetDouble().Should().BeInRange(1, 100_000);
        foreach (var region in Regions) { File.Exists(Path.Combine(_dir, region + ".db")).Should().BeTrue(); }
        File.ReadLines(Path.Combine(_dir, "audit.jsonl")).Count().Should().Be(root.GetProperty("refused").GetInt32());
    }

    [Fact]
    public void Aggregate_ByPlan_EqualsTheCentralisedComputationFromTheRawStores()
    {
        Workload();
        var (code, stdout, stderr) = CliRunner.Run("regions", "aggregate", "--data-dir", _dir, "--metric", "minutes", "--by", "plan", "--json");
        code.Should().Be(0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        root.GetProperty("regionsMerged").GetInt32().Should().Be(3);
        var expected = RawTotals().GroupBy(r => r.Plan).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var groups = root.GetProperty("groups").EnumerateArray().ToList();
        groups.Select(g => g.GetProperty("group").GetString()).Should().Equal(expected.Select(g => g.Key));
        foreach (var (g, e) in groups.Zip(expected))
        {
            var n = e.Count();
            var mean = e.Sum(x => x.Total) / n;
            var variance = e.Sum(x => (x.Total - mean) * (x.Total - mean)) / (n - 1);
            g.EnumerateObject().Select(p => p.Name).Should().Equal("group", "n", "mean", "variance", "suppressed");
            g.GetProperty("n").GetInt64().Should().Be(n);
            g.GetProperty("mean").GetDouble().Should().BeApproximately((double)mean, 1e-12 * (double)mean);
            g.GetProperty("variance").GetDouble().Should().BeApproximately((double)variance, 1e-10 * (double)variance);
            g.GetProperty("suppressed").GetBoolean().Should().BeFalse();
        }
    }

    [Fact]
    public void Aggregate_GroupBelowK_IsSuppressedWithNoNumbers()
    {
        Workload();
        var (code, stdout, _) = CliRunner.Run("regions", "aggregate", "--data-dir", _dir, "--metric", "minutes", "--by", "country", "--k", "1000", "--json");
        code.Should().Be(0);
        var groups = JsonDocument.Parse(stdout).RootElement.GetProperty("groups").EnumerateArray().ToList();
        groups.Should().HaveCount(30).And.OnlyContain(g => g.GetProperty("suppressed").GetBoolean()); // ~100 learners per country
        groups[0].EnumerateObject().Select(p => p.Name).Should().Equal("group", "suppressed");
    }

    [Theory]
    [InlineData("--by", "email", "personal data")]
    [InlineData("--by", "shoe", "not a column")]
    [InlineData("--metric", "clicks", "unknown metric")]
    [InlineData("--k", "1", "at least 2")]
    public void Aggregate_BadInput_ExitsTwoWithOneLineNamingTheOption(string option, string value, string message)
    {
        Workload(200);
        var args = new List<string> { "regions", "aggregate", "--data-dir", _dir, "--metric", "minutes", "--by", "plan" };
        var i = args.IndexOf(option);
        if (i >= 0) { args[i + 1] = value; } else { args.AddRange([option, value]); }
        var (code, _, stderr) = CliRunner.Run([.. args]);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(option).And.Contain(message);
    }

    [Fact]
    public void EraseThenExport_LearnerIsGone_ChainVerifies()
    {
        Workload(500);
        var (code, stdout, stderr) = CliRunner.Run("regions", "export", "--data-dir", _dir, "--learner", "L00000007");
        code.Should().Be(0, stderr);
        var export = JsonDocument.Parse(stdout).RootElement;
        var home = export.GetProperty("homeRegion").GetString()!;
        export.GetProperty("learner").GetProperty("learnerId").GetString().Should().Be("L00000007");
        (code, stdout, stderr) = CliRunner.Run("regions", "erase", "--data-dir", _dir, "--learner", "L00000007", "--json");
        code.Should().Be(0, stderr);
        JsonDocument.Parse(stdout).RootElement.GetProperty("homeRegion").GetString().Should().Be(home);
        RawTotals().Should().NotContain(r => r.Id == "L00000007");
        (code, _, stderr) = CliRunner.Run("regions", "erase", "--data-dir", _dir, "--learner", "L00000007");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--learner");
        (code, stdout, _) = CliRunner.Run("regions", "audit", "verify", "--data-dir", _dir);
        code.Should().Be(0);
        stdout.Should().Contain("intact");
        File.ReadAllText(Path.Combine(_dir, "audit.jsonl")).Should().NotContain("L00000007");
    }

    [Fact]
    public void AuditVerify_TamperedEntry_ExitsFourNamingIt()
    {
        Workload(500);
        var path = Path.Combine(_dir, "audit.jsonl");
        var lines = File.ReadAllLines(path);
        lines[1] = System.Text.RegularExpressions.Regex.Replace(lines[1], "\"target\":\"[a-z]+\"", "\"target\":\"moon\""); // a real change of content, caught by the hash (any byte change is caught before, by the canonical form)
        File.WriteAllLines(path, lines);
        var (code, _, stderr) = CliRunner.Run("regions", "audit", "verify", "--data-dir", _dir);
        code.Should().Be(4);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("entry 2 at line 2");
    }

    [Theory]
    [InlineData("\"detail\":null,", "\"detail\":null,\"extra\":1,")]
    [InlineData("\"detail\":null,", "")]
    public void AuditVerify_AddedOrDeletedField_ExitsFourNamingTheEntry(string from, string to)
    {
        Workload(500);
        var path = Path.Combine(_dir, "audit.jsonl");
        var lines = File.ReadAllLines(path);
        lines[2].Should().Contain(from);
        lines[2] = lines[2].Replace(from, to, StringComparison.Ordinal);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        var (code, _, stderr) = CliRunner.Run("regions", "audit", "verify", "--data-dir", _dir);
        code.Should().Be(4);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("line 3").And.Contain(to.Length > 0 ? "'extra'" : "'detail'");
    }

    [Fact]
    public void Workload_PostgresConnectionWithoutDatabase_ExitsTwoNamingConnection_AndTouchesNothing()
    {
        var (code, _, stderr) = CliRunner.Run("regions", "workload", "--learners", "10", "--seed", "1", "--data-dir", Path.Combine(_dir, "pg"), "--store", "postgres", "--connection", "Host=/var/run/postgresql;Username=nobody");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("cohortkit: --connection: the connection string names no Database");
        Directory.Exists(Path.Combine(_dir, "pg")).Should().BeFalse();
    }

    [Fact]
    public void MissingDataDir_ExitsTwo()
    {
        var (code, _, stderr) = CliRunner.Run("regions", "aggregate", "--data-dir", Path.Combine(_dir, "nope"), "--metric", "minutes", "--by", "plan");
        code.Should().Be(2);
        stderr.Should().Contain("--data-dir");
    }
}
