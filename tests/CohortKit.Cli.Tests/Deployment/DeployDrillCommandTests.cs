using System.Globalization;
using System.Text.Json;
using CohortKit.Cli.Deployment;
using CohortKit.Deployment.BlueGreen;

namespace CohortKit.Cli.Tests.Deployment;

/// <summary><c>cohortkit deploy drill</c>: real sample-host processes on loopback; the contract's JSON and CSV checked value by
/// value against what the drill's setup guarantees (blue and green are the same build, so the canary passes; 20 % of the
/// requests are sent before the deployment starts; with <c>--fail-green</c> green's readiness is turned off right after the
/// switch, so the bake fails after two probes), and against the state file and the CSV written beside it.</summary>
[Collection(nameof(DeployDrillsRunAlone))]
public sealed class DeployDrillCommandTests : IDisposable
{
    private const int Requests = 2000;

    // BlueGreenDrillOptions.DeployAfter: the deployment starts once this many requests have been answered.
    private const int SentBeforeDeployment = Requests / 5;

    private static readonly DeploymentStep[] Switch =
        [DeploymentStep.Idle, DeploymentStep.GreenDeployed, DeploymentStep.HealthGated, DeploymentStep.CanaryAnalysis, DeploymentStep.Switched];

    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-deploy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Drill_Json_ReportsTheSwitch_ZeroFailed_OnlyGreenAfterIt_P99OfTheCsv()
    {
        var chart = Path.Combine(_dir, "drill.png");
        var (root, rows, state) = await RunAsync("--chart", chart);

        root.EnumerateObject().Select(p => p.Name).Should().Equal("requests", "failed", "p99LatencyMs", "switchedAtMs", "rolledBack", "rollbackMs", "verdict", "p99ServiceLatencyMs");
        root.GetProperty("requests").GetInt32().Should().Be(Requests);
        root.GetProperty("failed").GetInt32().Should().Be(0);
        rows.Should().HaveCount(Requests).And.OnlyContain(r => r.Status == 200);
        rows.Select(r => r.Version).Should().OnlyContain(v => v == "blue" || v == "green");
        CheckP99(root, rows);
        new FileInfo(chart).Length.Should().BeGreaterThan(10_000);
        if (CanaryFalselyFailed(root, state, rows))
        {
            return;
        }

        root.GetProperty("rolledBack").GetBoolean().Should().BeFalse();
        root.GetProperty("rollbackMs").ValueKind.Should().Be(JsonValueKind.Null);
        state.Timeline.Select(e => e.Step).Should().Equal([.. Switch, DeploymentStep.BlueDrained, DeploymentStep.Done], string.Join("; ", state.Timeline.Select(e => e.Detail)));
        var switchedAt = root.GetProperty("switchedAtMs").GetDouble();
        var deployedAt = switchedAt - Ms(state, DeploymentStep.Idle, DeploymentStep.Switched);
        // sent_at_ms is the intended send time (the actual one is at or after it, later when the load generator fell behind), and
        // sent_at_ms + latency_ms is when the response was read: a request answered before the deployment started went to blue,
        // one due after the switch was sent after it and went to green.
        rows.Where(r => r.SentAtMs + r.LatencyMs < deployedAt).Should().HaveCountGreaterThanOrEqualTo(SentBeforeDeployment).And.OnlyContain(r => r.Version == "blue");
        // All() rather than OnlyContain(): on a loaded machine the load may end before the switch, leaving no such row.
        rows.Where(r => r.SentAtMs > switchedAt).All(r => r.Version == "green").Should().BeTrue();
    }

    [Fact]
    public async Task Drill_FailGreen_RollsBackUnderTwoSecondsForTheBakesReason_OnlyBlueAfterIt()
    {
        var (root, rows, state) = await RunAsync("--fail-green");

        root.GetProperty("requests").GetInt32().Should().Be(Requests);
        root.GetProperty("failed").GetInt32().Should().Be(0);
        root.GetProperty("rolledBack").GetBoolean().Should().BeTrue();
        rows.Should().HaveCount(Requests).And.OnlyContain(r => r.Status == 200);
        CheckP99(root, rows);
        var rollbackMs = root.GetProperty("rollbackMs").GetDouble();
        rollbackMs.Should().Be((state.Timeline[^1].At - state.RollbackDecidedAt!.Value).TotalMilliseconds).And.BeLessThan(2_000);
        if (CanaryFalselyFailed(root, state, rows))
        {
            return;
        }

        state.Timeline.Select(e => e.Step).Should().Equal([.. Switch, DeploymentStep.RollingBack, DeploymentStep.RolledBack], string.Join("; ", state.Timeline.Select(e => e.Detail)));
        // BlueGreenDrill.OrchestratorOptions.FailureThreshold is 2.
        state.RollbackReason.Should().Be("after the switch: green unhealthy: 2 consecutive failed probes");
        state.FailedInProduction.Should().BeTrue();
        var switchedAt = root.GetProperty("switchedAtMs").GetDouble();
        var rolledBackAt = switchedAt + Ms(state, DeploymentStep.Switched, DeploymentStep.RolledBack);
        rows.Where(r => r.SentAtMs + r.LatencyMs < switchedAt - Ms(state, DeploymentStep.Idle, DeploymentStep.Switched)).Should().OnlyContain(r => r.Version == "blue");
        rows.Where(r => r.SentAtMs > rolledBackAt).All(r => r.Version == "blue").Should().BeTrue();
    }

    [Theory]
    [InlineData("--concurrency", "0")]
    [InlineData("--requests", "10")]
    [InlineData("--requests", "1000001")]
    [InlineData("--requests", "2147483647")]
    public void Drill_BadNumber_ExitsTwoNamingTheOption(string option, string value)
    {
        var (code, _, stderr) = CliRunner.Run("deploy", "drill", option, value, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(option);
    }

    [Fact]
    public void Drill_ChartIsAFolder_ExitsTwoNamingTheOption_BeforeStartingAnything()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, _, stderr) = CliRunner.Run("deploy", "drill", "--out", _dir, "--chart", _dir, "--json");

        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--chart");
        File.Exists(Path.Combine(_dir, "state.json")).Should().BeFalse("the drill never started");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Drill_ChartInAMissingFolder_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = CliRunner.Run("deploy", "drill", "--chart", Path.Combine(_dir, "no", "such", "drill.png"), "--json");

        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--chart").And.Contain("does not exist");
    }

    [Theory]
    [InlineData(false, null, "rolled back: no, canary pass")]
    [InlineData(true, 123.4, "rolled back: yes in 123 ms, canary pass")]
    public void Summary_SaysRolledBackInWords(bool rolledBack, double? rollbackMs, string expected)
    {
        var line = DeployDrillCommand.Summary(new DeployDrillReport(2000, 0, 12.5, 3000, rolledBack, rollbackMs, "pass", 4.25));

        line.Should().EndWith(expected).And.NotContain("True").And.NotContain("False");
        line.Should().StartWith("requests 2,000, failed 0, p99 12.5 ms from the intended send (4.2 ms from the actual send), switched at 3000 ms");
    }

    private async Task<(JsonElement Root, List<CsvRow> Rows, DeploymentState State)> RunAsync(params string[] extra)
    {
        var (code, stdout, stderr) = CliRunner.Run(["deploy", "drill", "--requests", Requests.ToString(CultureInfo.InvariantCulture), "--concurrency", "8", "--out", _dir, "--json", .. extra]);
        code.Should().Be(0, stderr);
        var root = JsonDocument.Parse(stdout).RootElement.Clone();
        var lines = File.ReadAllLines(Path.Combine(_dir, "requests.csv"));
        lines[0].Should().Be("sent_at_ms,status,version,latency_ms");
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(f => new CsvRow(
            double.Parse(f[0], CultureInfo.InvariantCulture), int.Parse(f[1], CultureInfo.InvariantCulture), f[2], double.Parse(f[3], CultureInfo.InvariantCulture))).ToList();
        var state = await new JsonFileDeploymentStateStore(Path.Combine(_dir, "state.json")).LoadAsync(default);
        return (root, rows, state!);
    }

    /// <summary>
    /// Blue and green are the same build, yet on a loaded machine the live canary can judge green slower: measured here with a
    /// CPU hog beside three concurrent drills, 2 of 3 failed (green 12.7 ms vs blue 6.6 ms, Mann–Whitney p = 0.004), and still
    /// 1 of 3 with tiered compilation off, so it is not JIT warm-up; blue is kept busy by the load, green idles between canary
    /// requests. The verdict is then a (reported) false fail and the drill must have rolled back before any switch, cleanly:
    /// those values are checked and the switch's are not. Returns whether that happened.
    /// </summary>
    private static bool CanaryFalselyFailed(JsonElement root, DeploymentState state, List<CsvRow> rows)
    {
        if (root.GetProperty("verdict").GetString() != "fail")
        {
            root.GetProperty("verdict").GetString().Should().Be("pass");
            return false;
        }

        root.GetProperty("switchedAtMs").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("rolledBack").GetBoolean().Should().BeTrue();
        state.Timeline.Select(e => e.Step).Should().Equal(DeploymentStep.Idle, DeploymentStep.GreenDeployed, DeploymentStep.HealthGated, DeploymentStep.CanaryAnalysis,
            DeploymentStep.RollingBack, DeploymentStep.RolledBack);
        state.RollbackReason.Should().StartWith("canary fail: critical latency_ms: green");
        state.FailedInProduction.Should().BeFalse();
        rows.Should().OnlyContain(r => r.Version == "blue");
        return true;
    }

    /// <summary>p99 by the nearest-rank method over the CSV's latencies (written with 3 decimals).</summary>
    private static void CheckP99(JsonElement root, List<CsvRow> rows)
    {
        var sorted = rows.Select(r => r.LatencyMs).Order().ToArray();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
        root.GetProperty("p99LatencyMs").GetDouble().Should().BeApproximately(p99, 0.0005);
        // From the intended send time, so never below the service latency (from the actual send).
        root.GetProperty("p99LatencyMs").GetDouble().Should().BeGreaterThanOrEqualTo(root.GetProperty("p99ServiceLatencyMs").GetDouble());
    }

    private static double Ms(DeploymentState state, DeploymentStep from, DeploymentStep to) =>
        (state.Timeline.Single(e => e.Step == to).At - state.Timeline.Single(e => e.Step == from).At).TotalMilliseconds;

    private sealed record CsvRow(double SentAtMs, int Status, string Version, double LatencyMs);
}
