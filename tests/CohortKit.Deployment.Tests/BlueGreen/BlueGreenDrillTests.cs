using CohortKit.Deployment.Canary;
using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Drills;
using Xunit.Abstractions;

namespace CohortKit.Deployment.Tests.BlueGreen;

/// <summary>Real processes of the sample host on loopback behind the YARP switch, 10,000 requests from 16 workers.</summary>
public sealed class BlueGreenDrillTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit_test_bg_").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The switch and the rollback are what these drills test, not the canary: a latency tolerance of 300 % keeps a loaded
    // CI machine's slower-looking (identical) green from being rolled back before the switch.
    private static readonly CanaryOptions Lenient = new() { LatencyTolerance = 3 };

    [Fact]
    public async Task RunAsync_SwitchUnderLoad_NoFailedRequest_OnlyGreenAfterTheSwitch()
    {
        var result = await new BlueGreenDrill(SampleHost.LaunchAsync, Path.Combine(_dir, "state.json")).RunAsync(new BlueGreenDrillOptions { Canary = Lenient });
        output.WriteLine($"p99 {result.P99LatencyMs:F1} ms, switched at {result.SwitchedAtMs:F0} ms of {result.Requests.Max(r => r.ActualSentAtMs):F0} ms (p99 from the actual send {result.P99ServiceLatencyMs:F1} ms); {string.Join(", ", result.Timeline.Select(t => $"{t.Step}@{t.AtMs:F0}"))}");
        result.Requests.Should().HaveCount(10_000);
        result.Failed.Should().Be(0);
        result.State.Step.Should().Be(DeploymentStep.Done, string.Join("; ", result.State.Timeline.Select(e => e.Detail)));
        result.P99LatencyMs.Should().BePositive();
        var switched = result.SwitchedAtMs!.Value;
        result.Requests.Where(r => r.ActualSentAtMs < switched).Should().Contain(r => r.Version == "blue");
        result.Requests.Where(r => r.ActualSentAtMs > switched).Should().NotBeEmpty().And.OnlyContain(r => r.Version == "green");
        result.Requests.Should().OnlyContain(r => r.Status == 200);
    }

    [Fact]
    public async Task RunAsync_GreenUnhealthyAfterSwitch_RolledBackUnderTwoSeconds_NoFailedRequest()
    {
        var result = await new BlueGreenDrill(SampleHost.LaunchAsync, Path.Combine(_dir, "state.json")).RunAsync(new BlueGreenDrillOptions { FailGreen = true, Canary = Lenient });
        output.WriteLine($"rollback {result.RollbackMs:F0} ms, p99 {result.P99LatencyMs:F1} ms; {string.Join(", ", result.Timeline.Select(t => $"{t.Step}@{t.AtMs:F0}"))}");
        result.Requests.Should().HaveCount(10_000);
        result.Failed.Should().Be(0);
        result.RolledBack.Should().BeTrue();
        result.State.RollbackReason.Should().Contain("unhealthy");
        result.State.FailedInProduction.Should().BeTrue();
        result.RollbackMs.Should().BeLessThan(2_000);
        result.Requests.Where(r => r.ActualSentAtMs > result.SwitchedAtMs!.Value && r.ActualSentAtMs < result.RolledBackAtMs!.Value).Should().Contain(r => r.Version == "green");
        result.Requests.Where(r => r.ActualSentAtMs > result.RolledBackAtMs!.Value).Should().NotBeEmpty().And.OnlyContain(r => r.Version == "blue");
    }
}
