using System.Text.Json;
using CohortKit.Cli.Output;
using CohortKit.Cli.Simulate;
using CohortKit.Simulation;

namespace CohortKit.Cli.Tests.Simulate;

/// <summary>Issue 17 items 7, 10 and 13: <c>simulate</c> replaces its outputs together or not at all, refuses a run that
/// cannot fit before generating, and names options as they are spelled on the command line.</summary>
public sealed class SimulateOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Outputs = ["learners.csv", "events.csv", "learner_metrics.csv"];

    private Dictionary<string, byte[]> Snapshot()
        => Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(_dir, f), File.ReadAllBytes);

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to the thread pool), so cancelling is deterministic.</summary>
    private sealed class CancelAt(double at, CancellationTokenSource source) : IProgress<double>
    {
        public void Report(double value)
        {
            if (value >= at) { source.Cancel(); }
        }
    }

    [Fact]
    public void Simulate_CancelledWhileWritingEvents_LeavesThePreviousOutputsAndNoPartialFiles()
    {
        CliRunner.Run("simulate", "--learners", "2000", "--days", "20", "--seed", "1", "--out", _dir, "--json").Code.Should().Be(0);
        var before = Snapshot();
        before.Keys.Should().BeEquivalentTo(Outputs);

        using var source = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = SimulateCommand.Run(new CliConsole(stdout, stderr, interactive: false),
            new SimulationOptions { Learners = 2000, Days = 20, Seed = 2 }, new DirectoryInfo(_dir), json: true, source.Token, new CancelAt(0.5, source));

        code.Should().Be(1);
        stdout.ToString().Should().BeEmpty();
        stderr.ToString().Should().Be($"cohortkit: cancelled (removed 2 partial files; nothing in {_dir} was replaced){Environment.NewLine}");
        var after = Snapshot();
        after.Keys.Should().BeEquivalentTo(Outputs, "the temporary files are gone");
        foreach (var name in Outputs) { after[name].Should().Equal(before[name], $"{name} is the previous run's"); }
    }

    [Fact]
    public void Simulate_OutputNameTakenByAFolder_RefusedBeforeReplacingAnything()
    {
        CliRunner.Run("simulate", "--learners", "300", "--days", "10", "--seed", "1", "--out", _dir, "--json").Code.Should().Be(0);
        File.Delete(Path.Combine(_dir, "events.csv"));
        Directory.CreateDirectory(Path.Combine(_dir, "events.csv"));
        var before = Snapshot();

        var (code, stdout, stderr) = CliRunner.Run("simulate", "--learners", "300", "--days", "10", "--seed", "2", "--out", _dir, "--json");

        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("--out").And.Contain("events.csv");
        stderr.TrimEnd().Should().NotContain("\n");
        var after = Snapshot();
        after.Keys.Should().BeEquivalentTo(before.Keys);
        after["learners.csv"].Should().Equal(before["learners.csv"]);
        Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Should().BeEquivalentTo(Outputs);
    }

    [Fact]
    public void Simulate_SucceededRun_LeavesExactlyTheThreeOutputs()
    {
        var (code, stdout, _) = CliRunner.Run("simulate", "--learners", "300", "--days", "10", "--out", _dir, "--json");
        code.Should().Be(0);
        Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Should().BeEquivalentTo(Outputs);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("learnerMetricsFile").GetString().Should().Be(Path.Combine(_dir, "learner_metrics.csv"));
    }

    [Fact]
    public void Simulate_TooLargeForMemory_RefusedBeforeGeneratingWithOneLine()
    {
        var (code, stdout, stderr) = CliRunner.Run("simulate", "--learners", "2000000000", "--days", "3650", "--out", _dir, "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("cohortkit: --learners × --days: 2,000,000,000 × 3,650 would produce about ").And.Contain("the learners alone do not fit in memory here; simulate fewer learners.");
        stderr.TrimEnd().Should().NotContain("\n");
        Directory.GetFileSystemEntries(_dir).Should().BeEmpty();
    }

    [Theory]
    [InlineData("--learners must be positive", "--learners", "0")]
    [InlineData("--days must be in [1, 3650]", "--days", "-3")]
    [InlineData("--effect: it applies only with --experiment ab", "--effect", "0.2")]
    [InlineData("--effect: 1E+308 is outside", "--experiment", "ab", "--effect", "1e308")]
    [InlineData("--effect: -1 is outside", "--experiment", "ab", "--effect", "-1")]
    public void BadOptions_ExitWith2AndOneLineNamingTheOption(string message, params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(["simulate", .. args, "--out", _dir, "--json"]);
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(message);
        stderr.TrimEnd().Should().NotContain("\n");
    }

    [Fact]
    public void OutIsAFile_ExitsWith2()
    {
        var file = Path.Combine(_dir, "taken");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = CliRunner.Run("simulate", "--learners", "10", "--days", "2", "--out", file, "--json");
        code.Should().Be(2);
        stderr.Should().Contain("--out").And.Contain("is a file");
    }

    [Fact]
    public void OutUnderAFile_ExitsWith2NamingOut()
    {
        var file = Path.Combine(_dir, "taken");
        File.WriteAllText(file, "x");
        var (code, _, stderr) = CliRunner.Run("simulate", "--learners", "10", "--days", "2", "--out", Path.Combine(file, "sub"), "--json");
        code.Should().Be(2);
        stderr.Should().StartWith("cohortkit: --out: ").And.Contain("cannot be created");
        stderr.TrimEnd().Split('\n').Should().ContainSingle();
    }
}
