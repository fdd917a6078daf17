using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Temporal;

/// <summary><c>cohortkit oulad …</c> on the real data set: R's per-module withdrawal curves through the CLI.</summary>
public sealed class OuladCommandTests
{
    [DataFact("oulad")]
    public void Survival_ByModule_ReproducesTheReference()
    {
        var (code, stdout, stderr) = CliRunner.Run("oulad", "survival", "--path", SharedData.RequireDataset("oulad"), "--at", "30,60,90,120,180,240", "--json");
        code.Should().Be(0, stderr);
        var reference = SharedData.Reference("temporal/oulad_withdrawal_km.json");
        using var doc = JsonDocument.Parse(stdout);
        var curves = doc.RootElement.GetProperty("curves").EnumerateArray().ToList();
        curves[0].GetProperty("group").GetString().Should().Be("all");
        curves[0].GetProperty("n").GetInt32().Should().Be(reference.GetProperty("rows").GetInt32());
        curves[0].GetProperty("events").GetInt32().Should().Be(reference.GetProperty("events").GetInt32());
        foreach (var module in reference.GetProperty("perModule").EnumerateObject())
        {
            var curve = curves.Single(c => c.GetProperty("group").GetString() == module.Name);
            curve.GetProperty("n").GetInt32().Should().Be(module.Value.GetProperty("n").GetInt32());
            var survival = curve.GetProperty("at").EnumerateArray().Select(a => a.GetProperty("survival").GetDouble()).ToArray();
            survival.Zip(module.Value.Doubles("survival")).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-9, module.Name);
        }

        doc.RootElement.GetProperty("logRank").GetProperty("chiSquare").GetDouble()
            .Should().BeApproximately(reference.GetProperty("logRankAcrossModules").GetProperty("chiSquare").GetDouble(), 1e-9);
        doc.RootElement.GetProperty("logRank").GetProperty("df").GetInt32().Should().Be(6);
    }

    [DataFact("oulad")]
    public void Survival_ByPresentation_HasTwentyTwoGroups()
    {
        var (code, stdout, stderr) = CliRunner.Run("oulad", "survival", "--path", SharedData.RequireDataset("oulad"), "--by", "presentation", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("curves").GetArrayLength().Should().Be(23);
        doc.RootElement.GetProperty("logRank").GetProperty("df").GetInt32().Should().Be(21);
    }

    [DataFact("oulad")]
    public void Retention_WeekZero_EqualsADirectCountOfTheWeeklyFile()
    {
        var dir = SharedData.RequireDataset("oulad");
        var (code, stdout, stderr) = CliRunner.Run("oulad", "retention", "--path", dir, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("cohortBy").GetString().Should().Be("module_presentation");
        var cohorts = doc.RootElement.GetProperty("cohorts").EnumerateArray().ToList();
        cohorts.Should().HaveCount(22);
        cohorts.Sum(c => c.GetProperty("size").GetInt32()).Should().Be(32_593);
        // Registrations of AAA 2013J with clicks in week 0 or 5, counted straight from derived/studentVle_weekly.csv.
        var rows = File.ReadLines(Path.Combine(dir, "derived", "studentVle_weekly.csv")).Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "AAA" && f[1] == "2013J").ToList();
        var aaa = cohorts.Single(c => c.GetProperty("cohort").GetString() == "AAA 2013J");
        aaa.GetProperty("retained")[0].GetInt32().Should().Be(rows.Where(f => f[3] == "0").Select(f => f[2]).Distinct().Count());
        aaa.GetProperty("retained")[5].GetInt32().Should().Be(rows.Where(f => f[3] == "5").Select(f => f[2]).Distinct().Count());
        aaa.GetProperty("retained").GetArrayLength().Should().Be(38);
        aaa.GetProperty("retained")[37].ValueKind.Should().Be(JsonValueKind.Number, "week 37 ends inside the window");
    }

    [DataFact("oulad")]
    public void Retention_WeeksAfterAPresentationEnds_AreNullAndLeftOutOfTheAverage()
    {
        var dir = SharedData.RequireDataset("oulad");
        var (code, stdout, stderr) = CliRunner.Run("oulad", "retention", "--path", dir, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        // Presentation lengths straight from courses.csv: week k (days 7k..7k+6) is observed iff 7(k+1) <= length.
        var lengths = File.ReadLines(Path.Combine(dir, "courses.csv")).Skip(1).Select(l => l.Replace("\"", "").Split(','))
            .ToDictionary(f => $"{f[0]} {f[1]}", f => int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var cohort in doc.RootElement.GetProperty("cohorts").EnumerateArray())
        {
            var length = lengths[cohort.GetProperty("cohort").GetString()!];
            var retained = cohort.GetProperty("retained");
            for (var k = 0; k < 38; k++)
            {
                retained[k].ValueKind.Should().Be(7 * (k + 1) <= length ? JsonValueKind.Number : JsonValueKind.Null, $"{cohort.GetProperty("cohort")} week {k} with length {length}");
            }
        }

        // Week 37 average: registrations active in week 37 / registrations, over the presentations of 266 days or more only.
        var running = lengths.Where(p => p.Value >= 266).Select(p => p.Key).ToHashSet();
        var size = File.ReadLines(Path.Combine(dir, "studentRegistration.csv")).Skip(1).Select(l => l.Replace("\"", "").Split(','))
            .Count(f => running.Contains($"{f[0]} {f[1]}"));
        var active = File.ReadLines(Path.Combine(dir, "derived", "studentVle_weekly.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => f[3] == "37" && running.Contains($"{f[0]} {f[1]}")).Select(f => (f[0], f[1], f[2])).Distinct().Count();
        doc.RootElement.GetProperty("average")[37].GetProperty("rate").GetDouble().Should().BeApproximately((double)active / size, 1e-12);
    }

    [Fact]
    public void Survival_MissingFolder_ExitsTwoNamingIt()
    {
        var (code, _, stderr) = CliRunner.Run("oulad", "survival", "--path", Path.Combine(Path.GetTempPath(), "no-such-oulad-folder"), "--json");
        code.Should().Be(2);
        stderr.Should().Contain("no-such-oulad-folder");
    }
}
