using System.Text.Json;

namespace CohortKit.Cli.Tests.Reliability;

/// <summary><c>cohortkit incidents simulate</c> on the sample scenario (samples/reliability/incident-scenario.json) and on bad scenarios.</summary>
public sealed class IncidentsSimulateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-incidents-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Copied beside the test binaries (the project links it), so a deterministic CI build, whose source paths are /_/, finds it.
    private static string Sample() => Path.Combine(AppContext.BaseDirectory, "Reliability", "incident-scenario.json");

    [Fact]
    public void Json_SampleScenario_TimelinesAndMeansByHand()
    {
        // Incident 1: opened 0, acknowledged 180, resolved 720. Incident 2: opened 1000, not acknowledged by the 300-s deadline
        // (escalates at 1300, ticket Low → High), acknowledged 1500, resolved 2200.
        // MTTA = (180 + 500)/2 = 340 s; MTTR = (720 + 1200)/2 = 960 s.
        var md = Path.Combine(_dir, "postmortems.md");
        var (code, stdout, stderr) = CliRunner.Run("incidents", "simulate", "--scenario", Sample(), "--postmortem", md, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("mttaSeconds").GetDouble().Should().Be(340);
        root.GetProperty("mttrSeconds").GetDouble().Should().Be(960);
        var incidents = root.GetProperty("incidents").EnumerateArray().ToList();
        incidents.Should().HaveCount(2);
        incidents[0].GetProperty("alerts").GetInt32().Should().Be(2, "the second page has the same fingerprint");
        incidents[1].GetProperty("escalations").GetInt32().Should().Be(1);
        incidents[1].GetProperty("severity").GetString().Should().Be("high");
        incidents[1].GetProperty("timeline").EnumerateArray().Select(t => (t.GetProperty("atSeconds").GetDouble(), t.GetProperty("kind").GetString()))
            .Should().Equal((1000.0, "opened"), (1300.0, "escalated"), (1500.0, "acknowledged"), (1600.0, "actionStarted"), (1600.0, "actionSucceeded"), (2200.0, "resolved"));
        File.ReadAllText(md).Should().Contain("# Postmortem (draft): incident 2, churn model AUC below 0.70");
    }

    [Theory]
    [InlineData("""{ "handlers": ["rollbackDeployment"], "events": [ {"atSeconds":0,"type":"alert","fingerprint":"m","severity":"page"}, {"atSeconds":1,"type":"action","fingerprint":"m","action":"disableModel","target":"churn"} ] }""", "DisableModel")]
    [InlineData("""{ "events": [ {"atSeconds":0,"type":"alert","fingerprint":"m","severity":"urgent"} ] }""", "severity 'urgent'")]
    [InlineData("""{ "events": [ {"atSeconds":5,"type":"alert","fingerprint":"m","severity":"page"}, {"atSeconds":1,"type":"resolve","fingerprint":"m"} ] }""", "events[1]: atSeconds 1")]
    [InlineData("""{ "events": [ {"atSeconds":0,"type":"acknowledge","fingerprint":"x"} ] }""", "no alert with fingerprint 'x'")]
    [InlineData("""{ "events": [ {"atSeconds":0,"type":"alert","fingerprint":"m","severity":"page","colour":"red"} ] }""", "not a scenario")]
    [InlineData("""{ "ackDeadlineSeconds": -3, "events": [] }""", "ackDeadlineSeconds")]
    [InlineData("""{ "events": [null] }""", "bad.json: events[0]: an event must be an object, not null")]
    [InlineData("""{ "events": [ {"atSeconds":0,"type":"alert","fingerprint":"m","severity":"page"}, {"type":"resolve","fingerprint":"m"} ] }""", "bad.json: events[1]: atSeconds is missing")]
    [InlineData("""{ "ackDeadlineSeconds": 1e-8, "events": [] }""", "bad.json: ackDeadlineSeconds 1E-08 must be at least 0.001 (1 ms)")]
    [InlineData("""{ "maxEscalations": 100000, "events": [] }""", "bad.json: maxEscalations 100000 must be between 0 and 1000.")]
    [InlineData("""{ "maxEscalations": -1, "events": [] }""", "bad.json: maxEscalations -1 must be between 0 and 1000.")]
    public void BadScenario_ExitsTwoWithOneLine(string scenario, string expected)
    {
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, scenario);
        var (code, stdout, stderr) = CliRunner.Run("incidents", "simulate", "--scenario", path, "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        var line = stderr.Trim().Split('\n').Should().ContainSingle().Subject;
        line.Should().Contain(expected);
        line.Split("bad.json").Should().HaveCountLessThanOrEqualTo(2, "the file is named once, not repeated in the reason");
    }

    [Fact]
    public void ScenarioThatIsADirectory_ExitsTwoSayingSo()
    {
        var (code, _, stderr) = CliRunner.Run("incidents", "simulate", "--scenario", _dir, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--scenario").And.Contain("is a directory");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PostmortemPathThatCannotBeAFile_ExitsTwoNamingTheOption_BeforeRunning(bool directory)
    {
        // A directory (was UnauthorizedAccessException, exit 1) or a file in a missing directory (exit 2 without the option).
        var md = directory ? _dir : Path.Combine(_dir, "missing", "pm.md");
        var (code, stdout, stderr) = CliRunner.Run("incidents", "simulate", "--scenario", Sample(), "--postmortem", md, "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--postmortem").And.Contain(directory ? "is a directory" : "does not exist");
    }

    [Fact]
    public void HalfSecondDeadline_ShownInSeconds()
    {
        // Opened at 0, deadline 0.5 s, acknowledged at 0.7: one escalation at 0.5 s, its detail naming the deadline as 0.5s.
        var path = Path.Combine(_dir, "half.json");
        File.WriteAllText(path, """{ "ackDeadlineSeconds": 0.5, "events": [ {"atSeconds":0,"type":"alert","fingerprint":"m","severity":"page"}, {"atSeconds":0.7,"type":"acknowledge","fingerprint":"m"} ] }""");
        var (code, stdout, stderr) = CliRunner.Run("incidents", "simulate", "--scenario", path, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var escalation = doc.RootElement.GetProperty("incidents")[0].GetProperty("timeline").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "escalated");
        escalation.GetProperty("atSeconds").GetDouble().Should().Be(0.5);
        escalation.GetProperty("detail").GetString().Should().Contain("the 0.5s deadline").And.NotContain("00:00");
    }
}
