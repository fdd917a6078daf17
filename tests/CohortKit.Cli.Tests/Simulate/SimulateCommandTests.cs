using System.Text.Json;
using CohortKit.Csv;

namespace CohortKit.Cli.Tests.Simulate;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Simulate_Json_PrintsOneDocumentAndWritesLoadableFiles()
    {
        var (code, stdout, stderr) = Run("simulate", "--learners", "500", "--days", "20", "--seed", "3", "--out", _dir, "--experiment", "ab", "--json");
        code.Should().Be(0, stderr);
        stderr.Should().BeEmpty();
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.GetProperty("learners").GetInt32().Should().Be(500);
        root.GetProperty("days").GetInt32().Should().Be(20);
        var learners = LearnerCsv.Load(root.GetProperty("learnersFile").GetString()!);
        learners.Count.Should().Be(500);
        learners["arm"].Categories.Should().Equal("control", "treatment");
        var events = ActivityCsv.Load(root.GetProperty("eventsFile").GetString()!, learners);
        events.EventCount.Should().Be(root.GetProperty("events").GetInt32());
    }

    [Fact]
    public void Simulate_SameSeedTwice_WritesIdenticalFiles()
    {
        var a = Path.Combine(_dir, "a");
        var b = Path.Combine(_dir, "b");
        Run("simulate", "--learners", "300", "--days", "15", "--seed", "8", "--out", a, "--json").Code.Should().Be(0);
        Run("simulate", "--learners", "300", "--days", "15", "--seed", "8", "--out", b, "--json").Code.Should().Be(0);
        File.ReadAllBytes(Path.Combine(a, "events.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(b, "events.csv")));
        File.ReadAllBytes(Path.Combine(a, "learners.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(b, "learners.csv")));
    }

    [Fact]
    public void Simulate_HumanOutput_ShowsASummary()
    {
        var (code, stdout, _) = Run("simulate", "--learners", "100", "--days", "5", "--out", _dir);
        code.Should().Be(0);
        stdout.Should().Contain("events").And.Contain("learners.csv");
    }

    [Theory]
    [InlineData("--learners", "simulate", "--learners", "0")]
    [InlineData("--days", "simulate", "--days", "-3")]
    [InlineData("--learners", "simulate", "--learners", "many")]
    [InlineData("--experiment", "simulate", "--experiment", "abc")]
    [InlineData("--bogus", "simulate", "--bogus")]
    public void BadInput_ExitsWith2AndNamesTheProblemOnStderr(string named, params string[] args)
    {
        var (code, stdout, stderr) = Run([.. args, "--out", _dir, "--json"]);
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(named);
    }
}
