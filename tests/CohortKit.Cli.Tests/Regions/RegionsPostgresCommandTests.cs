using System.Text.Json;
using CohortKit.Regions.Stores;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Regions;

/// <summary><c>cohortkit regions …</c> on PostgreSQL: each data directory has its own databases, so two workloads on one
/// server do not overwrite each other.</summary>
public sealed class RegionsPostgresCommandTests : IDisposable
{
    private readonly string _a = Directory.CreateTempSubdirectory("cohortkit-cli-regions-pg-a-").FullName;
    private readonly string _b = Directory.CreateTempSubdirectory("cohortkit-cli-regions-pg-b-").FullName;

    public void Dispose()
    {
        foreach (var dir in new[] { _a, _b })
        {
            foreach (var db in Databases(dir)) { PostgresRegionStore.Drop(PostgresFactAttribute.ConnectionString!, db); }
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IReadOnlyList<string> Databases(string dir)
    {
        var path = Path.Combine(dir, "stores.json");
        return File.Exists(path)
            ? [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("Databases").EnumerateObject().Select(p => p.Value.GetString()!)]
            : [];
    }

    private static void Workload(string dir, int learners, int seed)
    {
        var (code, _, stderr) = CliRunner.Run("regions", "workload", "--learners", learners.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dir, "--store", "postgres", "--connection", PostgresFactAttribute.ConnectionString!, "--json");
        code.Should().Be(0, stderr);
    }

    private static long Learners(string dir)
    {
        var (code, stdout, stderr) = CliRunner.Run("regions", "aggregate", "--data-dir", dir, "--metric", "minutes", "--by", "home_region", "--k", "2", "--json");
        code.Should().Be(0, stderr);
        return JsonDocument.Parse(stdout).RootElement.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("n").GetInt64());
    }

    [PostgresFact]
    public void Workload_TwoDataDirsOnOneServer_DoNotClobberEachOther()
    {
        Workload(_a, 300, 1);
        Workload(_b, 200, 2);
        Databases(_a).Should().HaveCount(3).And.NotIntersectWith(Databases(_b));
        Learners(_a).Should().Be(300);
        Learners(_b).Should().Be(200);
        Workload(_a, 100, 3); // a new workload in the same directory replaces its own databases only
        Learners(_a).Should().Be(100);
        Learners(_b).Should().Be(200);
    }
}
