using System.Text.Json;

namespace CohortKit.Cli.Tests.Temporal;

/// <summary><c>cohortkit retention</c>: the JSON contract on a case counted by hand, the files, and one line for bad input.</summary>
public sealed class RetentionCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-retention-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    // Events span 2026-03-02 .. 2026-03-15 (the default window). Learners 1 and 2 sign up on Monday 03-02, 3 on 03-04 (same
    // week), 4 before the window (left out). Weekly N-day: week 0 is days 0-6 from each learner's own signup.
    private (string Learners, string Events) SmallCase() => (
        Write("learners.csv", "learner_id,signup_date,plan", "1,2026-03-02,free", "2,2026-03-02,pro", "3,2026-03-04,free", "4,2026-02-01,pro"),
        Write("events.csv", "learner_id,timestamp,kind,value",
            "1,2026-03-02T10:00:00Z,session,5", "1,2026-03-09T10:00:00Z,session,5", "2,2026-03-03T10:00:00Z,lesson,1",
            "3,2026-03-04T10:00:00Z,session,3", "4,2026-03-15T10:00:00Z,session,1"));

    [Fact]
    public void Json_FollowsTheContract_WithNullForUnobservedCells()
    {
        var (learners, events) = SmallCase();
        var (code, stdout, stderr) = CliRunner.Run("retention", "--learners", learners, "--events", events, "--periods", "3", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("cohortBy").GetString().Should().Be("signup-week");
        root.GetProperty("period").GetString().Should().Be("week");
        root.GetProperty("kind").GetString().Should().Be("n-day");
        root.GetProperty("window").GetProperty("start").GetString().Should().Be("2026-03-02");
        root.GetProperty("window").GetProperty("end").GetString().Should().Be("2026-03-15");
        var cohort = root.GetProperty("cohorts").EnumerateArray().Single();
        cohort.GetProperty("cohort").GetString().Should().Be("2026-03-02");
        cohort.GetProperty("size").GetInt32().Should().Be(3);
        // Week 0: all three active. Week 1 ends 03-16 for learners 1 and 2 but 03-18 for learner 3: not observed, null.
        cohort.GetProperty("retained").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (int?)null : e.GetInt32()).Should().Equal(3, null, null);
        cohort.GetProperty("rate")[0].GetDouble().Should().Be(1);
        cohort.GetProperty("rate")[1].ValueKind.Should().Be(JsonValueKind.Null);
        var average = root.GetProperty("average").EnumerateArray().ToList();
        average.Should().HaveCount(3);
        average[0].GetProperty("period").GetInt32().Should().Be(0);
        average[0].GetProperty("rate").GetDouble().Should().Be(1);
        average[0].GetProperty("ciLow").GetDouble().Should().BeApproximately(0.4385029682449546, 1e-12, "statsmodels proportion_confint(3, 3, method=\"wilson\")");
        average[0].GetProperty("ciHigh").GetDouble().Should().Be(1);
        average[1].GetProperty("rate").ValueKind.Should().Be(JsonValueKind.Null);
        average[1].GetProperty("ciLow").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("learnersOutsideWindow").GetInt32().Should().Be(1, "learner 4 signed up on 2026-02-01, before the window");
    }

    [Fact]
    public void AttributeCohorts_DailyUnbounded_AndFiles()
    {
        var (learners, events) = SmallCase();
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = CliRunner.Run("retention", "--learners", learners, "--events", events, "--cohort", "plan", "--period", "day", "--kind", "unbounded", "--periods", "8", "--out", output, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("cohortBy").GetString().Should().Be("plan");
        doc.RootElement.GetProperty("kind").GetString().Should().Be("unbounded");
        var cohorts = doc.RootElement.GetProperty("cohorts").EnumerateArray().ToDictionary(c => c.GetProperty("cohort").GetString()!);
        // free: learners 1 (active days 0 and 7) and 3 (day 0 only); unbounded day k: active on day k or later.
        cohorts["free"].GetProperty("retained").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(2, 1, 1, 1, 1, 1, 1, 1);
        cohorts["pro"].GetProperty("size").GetInt32().Should().Be(1, "learner 4 signed up before the window");
        cohorts["pro"].GetProperty("retained").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1, 1, 0, 0, 0, 0, 0, 0);
        var lines = File.ReadAllLines(Path.Combine(output, "retention.csv"));
        lines[0].Should().Be("cohort,size,period,retained,rate,ci_low,ci_high");
        lines.Should().HaveCount(1 + 2 * 8);
        File.ReadAllLines(Path.Combine(output, "average.csv"))[0].Should().Be("period,learners,rate,ci_low,ci_high");
        var png = File.ReadAllBytes(Path.Combine(output, "retention_heatmap.png"));
        png.Take(8).Should().Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)).Should().Be(1000, "the PNG header's width");
    }

    [Fact]
    public void HumanOutput_ShowsTheMatrix()
    {
        var (learners, events) = SmallCase();
        var (code, stdout, stderr) = CliRunner.Run("retention", "--learners", learners, "--events", events, "--periods", "2");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("n-day retention by week").And.Contain("2026-03-02").And.Contain("average");
        stdout.Should().Contain("1 learners signed up outside the window");
    }

    [Fact]
    public void BadInput_ExitsTwo_WithOneLine()
    {
        var (learners, events) = SmallCase();
        var early = Write("early.csv", "learner_id,timestamp,kind,value", "3,2026-03-05T10:00:00Z,session,1", "3,2026-03-03T10:00:00Z,session,1");
        var cases = new (string[] Args, string Message)[]
        {
            (["--events", early], "*early.csv line 3, column 'timestamp'*2026-03-03T10:00:00Z*before learner 3's signup_date 2026-03-04*"),
            (["--events", events, "--cohort", "region"], "*--cohort: 'region'*plan*"),
            (["--events", events, "--periods", "0"], "*--periods: 0*"),
            (["--events", events, "--out", learners], "*--out*is a file*"),
            (["--events", events, "--period", "year"], "*--period*"),
        };
        foreach (var (args, message) in cases)
        {
            var (code, _, stderr) = CliRunner.Run(["retention", "--learners", learners, .. args, "--json"]);
            code.Should().Be(2, string.Join(' ', args));
            stderr.Trim().Split('\n').Should().ContainSingle();
            stderr.Should().Match(message);
        }
    }
}
