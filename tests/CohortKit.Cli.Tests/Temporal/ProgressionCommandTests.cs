using System.Text.Json;

namespace CohortKit.Cli.Tests.Temporal;

/// <summary><c>cohortkit progression</c> on a simulated platform, and one line for bad input.</summary>
public sealed class ProgressionCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-progression-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_HasStatesMatrixAndHeldOutScores_AndBeatsStaying()
    {
        CliRunner.Run("simulate", "--learners", "3000", "--days", "120", "--seed", "4", "--out", _dir, "--json").Code.Should().Be(0);
        var (code, stdout, stderr) = CliRunner.Run("progression", "--learners", Path.Combine(_dir, "learners.csv"), "--events", Path.Combine(_dir, "events.csv"), "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("states").EnumerateArray().Select(s => s.GetString()).Should().Equal("onboarding", "active", "struggling", "mastering", "dormant", "churned");
        root.GetProperty("periodDays").GetInt32().Should().Be(7);
        var probabilities = root.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(p => p.GetDouble()).ToArray()).ToList();
        probabilities.Should().HaveCount(6).And.OnlyContain(r => r.Length == 6 && Math.Abs(r.Sum() - 1) < 1e-12);
        var transitions = root.GetProperty("transitions").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt64()));
        var learnerPeriods = root.GetProperty("stateCounts").EnumerateArray().Sum(c => c.GetInt64());
        transitions.Should().BePositive().And.BeLessThan(learnerPeriods, "each learner's first period starts no transition");
        root.GetProperty("churnHazard")[4].GetDouble().Should().Be(probabilities[4][5]);
        var held = root.GetProperty("heldOut");
        held.GetProperty("transitions").GetInt64().Should().BePositive();
        held.GetProperty("logLoss").GetDouble().Should().BeLessThan(held.GetProperty("baselineLogLoss").GetDouble());
        var human = CliRunner.Run("progression", "--learners", Path.Combine(_dir, "learners.csv"), "--events", Path.Combine(_dir, "events.csv"));
        human.Code.Should().Be(0, human.Err);
        human.Out.Should().Contain("Held out after").And.Contain("churned");
    }

    [Fact]
    public void BadInput_ExitsTwo_WithOneLine()
    {
        var learners = Path.Combine(_dir, "learners.csv");
        File.WriteAllLines(learners, ["learner_id,signup_date", "1,2026-03-04"]);
        var early = Path.Combine(_dir, "early.csv");
        File.WriteAllLines(early, ["learner_id,timestamp,kind,value", "1,2026-03-03T10:00:00Z,session,1"]);
        var (code, _, stderr) = CliRunner.Run("progression", "--learners", learners, "--events", early, "--json");
        code.Should().Be(2);
        stderr.Should().Contain("early.csv line 2, column 'timestamp'").And.Contain("before learner 1's signup_date 2026-03-04");
        var shortSpan = Path.Combine(_dir, "short.csv");
        File.WriteAllLines(shortSpan, ["learner_id,timestamp,kind,value", "1,2026-03-04T10:00:00Z,session,1", "1,2026-03-09T10:00:00Z,session,1"]);
        var tooShort = CliRunner.Run("progression", "--learners", learners, "--events", shortSpan, "--json");
        tooShort.Code.Should().Be(2);
        tooShort.Err.Trim().Split('\n').Should().ContainSingle();
        tooShort.Err.Should().Contain("short.csv: the events span 6 days");
    }

    [Fact]
    public void NoLearnerInsideTheWindow_ExitsTwoSayingSo()
    {
        // Both learners signed up in February; the events (the window) run from 1 March for 110 days.
        var learners = Path.Combine(_dir, "feb.csv");
        File.WriteAllLines(learners, ["learner_id,signup_date", "1,2026-02-01", "2,2026-02-10"]);
        var events = Path.Combine(_dir, "later.csv");
        File.WriteAllLines(events, ["learner_id,timestamp,kind,value", "1,2026-03-01T10:00:00Z,session,1", "2,2026-06-18T10:00:00Z,session,1"]);
        var (code, _, stderr) = CliRunner.Run("progression", "--learners", learners, "--events", events, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle();
        stderr.Should().Contain("later.csv: no learner signed up inside the observed window 2026-03-01 .. 2026-06-18").And.Contain("all 2 signed up outside it");
    }

    [Fact]
    public void Json_CountsTheLearnersOutsideTheWindow()
    {
        // Learner 1 signs up inside the window (which runs 2026-03-02 .. 2026-06-01); learner 2 signed up before it.
        var learners = Path.Combine(_dir, "mixed.csv");
        File.WriteAllLines(learners, ["learner_id,signup_date", "1,2026-03-02", "2,2026-01-05"]);
        var events = Path.Combine(_dir, "mixed-events.csv");
        File.WriteAllLines(events, ["learner_id,timestamp,kind,value", .. Enumerable.Range(0, 13).Select(w => $"1,{new DateOnly(2026, 3, 2).AddDays(7 * w):yyyy-MM-dd}T10:00:00Z,session,1"), "2,2026-06-01T10:00:00Z,session,1"]);
        var (code, stdout, stderr) = CliRunner.Run("progression", "--learners", learners, "--events", events, "--json");
        code.Should().Be(0, stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("learnersOutsideWindow").GetInt32().Should().Be(1);
    }
}
