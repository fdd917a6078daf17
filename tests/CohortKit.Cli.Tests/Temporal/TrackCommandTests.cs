using System.Globalization;
using System.Text.Json;

namespace CohortKit.Cli.Tests.Temporal;

/// <summary><c>cohortkit track</c>: flows equal a count of the CSV, a planted composition shift is flagged, the Sankey PNG is
/// written, and bad input exits 2 with one line.</summary>
public sealed class TrackCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-track-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_FlowsEqualACountOfTheFile_ThePlantedShiftIsFlagged_AndTheChartIsAPng()
    {
        // Two weeks; cohort "a" changes its region mix (planted), "b" does not; some learners move, leave or join.
        var rng = new Random(8);
        var rows = new List<(string Period, long Id, string Cohort, string Region)>();
        for (long id = 0; id < 1_200; id++)
        {
            var first = id % 2 == 0 ? "a" : "b";
            if (id < 1_100) { rows.Add(("2026-03-02", id, first, Region(rng, first == "a" ? 0.5 : 0.5))); }
            if (id % 10 == 3) { continue; }   // left
            var second = id % 7 == 0 ? (first == "a" ? "b" : "a") : first;
            rows.Add(("2026-03-09", id, second, Region(rng, second == "a" ? 0.15 : 0.5)));
        }

        var csv = Path.Combine(_dir, "snapshots.csv");
        File.WriteAllLines(csv, ["period,learner_id,cohort,region", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Period},{r.Id},{r.Cohort},{r.Region}"))]);
        var chart = Path.Combine(_dir, "sankey.png");
        var (code, stdout, stderr) = CliRunner.Run("track", "--snapshots", csv, "--attributes", "region", "--chart", chart, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("from").GetString().Should().Be("2026-03-02");
        root.GetProperty("to").GetString().Should().Be("2026-03-09");

        var before = rows.Where(r => r.Period == "2026-03-02").ToDictionary(r => r.Id, r => r.Cohort);
        var after = rows.Where(r => r.Period == "2026-03-09").ToDictionary(r => r.Id, r => r.Cohort);
        var expected = before.Keys.Union(after.Keys).GroupBy(id => (before.GetValueOrDefault(id), after.GetValueOrDefault(id))).ToDictionary(g => g.Key, g => (long)g.Count());
        var flows = root.GetProperty("flows").EnumerateArray().ToDictionary(
            f => (f.GetProperty("source").GetString(), f.GetProperty("target").GetString()), f => f.GetProperty("count").GetInt64());
        flows.Should().BeEquivalentTo(expected);

        var drift = root.GetProperty("drift").EnumerateArray().ToDictionary(d => d.GetProperty("cohort").GetString()!);
        drift["a"].GetProperty("flagged").GetBoolean().Should().BeTrue();
        drift["a"].GetProperty("composition")[0].GetProperty("pValue").GetDouble().Should().BeLessThan(1e-6);
        drift["b"].GetProperty("composition")[0].GetProperty("pValue").GetDouble().Should().BeGreaterThan(1e-3);
        File.ReadAllBytes(chart).Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);

        var human = CliRunner.Run("track", "--snapshots", csv, "--attributes", "region");
        human.Code.Should().Be(0, human.Err);
        human.Out.Should().Contain("Migration from 2026-03-02 to 2026-03-09").And.Contain("(entered)").And.Contain("(left)");
    }

    [Fact]
    public void BadInput_ExitsTwo_WithOneLineNamingTheProblem()
    {
        var good = Path.Combine(_dir, "good.csv");
        File.WriteAllLines(good, ["period,learner_id,cohort", "2026-03-02,1,a", "2026-03-09,1,b"]);
        var badDate = Path.Combine(_dir, "date.csv");
        File.WriteAllLines(badDate, ["period,learner_id,cohort", "2026-03-02,1,a", "9 March,1,b"]);
        var twice = Path.Combine(_dir, "twice.csv");
        File.WriteAllLines(twice, ["period,learner_id,cohort", "2026-03-02,1,a", "2026-03-02,1,b", "2026-03-09,1,b"]);
        var single = Path.Combine(_dir, "single.csv");
        File.WriteAllLines(single, ["period,learner_id,cohort", "2026-03-02,1,a"]);
        var blankCohort = Path.Combine(_dir, "blank.csv");
        File.WriteAllLines(blankCohort, ["period,learner_id,cohort,region", "2026-03-02,1,a,north", "2026-03-09,1,,north"]);
        var blankRegion = Path.Combine(_dir, "region.csv");
        File.WriteAllLines(blankRegion, ["period,learner_id,cohort,region", "2026-03-09,1,a,north", "2026-03-02,1,a,"]);
        var cases = new (string[] Args, string Message)[]
        {
            (["track", "--snapshots", blankCohort], "blank.csv: column 'cohort', data row 2: the cohort value is blank"),
            (["track", "--snapshots", blankRegion, "--attributes", "region"], "region.csv: column 'region', data row 2: the attribute value is blank"),
            (["track", "--snapshots", badDate], "date.csv: column 'period', data row 2, value '9 March': a period is a date"),
            (["track", "--snapshots", twice], "twice.csv: column 'learner_id', data row 2, value 1: the learner is already in period 2026-03-02 (data row 1)"),
            (["track", "--snapshots", single], "single.csv: column 'period' has 1 period"),
            (["track", "--snapshots", good, "--from", "2026-03-01"], "--from: No snapshot was appended for 2026-03-01"),
            (["track", "--snapshots", good, "--from", "March"], "--from: 'March' is not a date"),
            (["track", "--snapshots", good, "--alpha", "2"], "--alpha 2: --alpha must be in (0, 1)"),
            (["track", "--snapshots", good, "--metrics", "minutes"], "minutes"),
        };
        foreach (var (args, message) in cases)
        {
            var (code, _, stderr) = CliRunner.Run([.. args, "--json"]);
            code.Should().Be(2, string.Join(' ', args));
            stderr.Should().Contain(message);
            stderr.Trim().Split('\n').Should().ContainSingle();
        }
    }

    private static string Region(Random rng, double north) => rng.NextDouble() < north ? "north" : "south";
}
