using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Drills;
using CohortKit.Deployment.Tests.ChildProcesses;

namespace CohortKit.Deployment.Tests.BlueGreen;

/// <summary>
/// The orchestrator runs in a child process (<see cref="OrchestratorChild"/>) with its own YARP proxy; the child stops at a
/// known point and is killed with SIGKILL (no <c>finally</c>, no flush runs). A second child, started from the same state
/// file with a fresh proxy that knows nothing, resumes and ends consistent: the file says done (or rolled back) and its
/// proxy routes to green (or blue).
/// </summary>
public sealed class CrashResumeTests : IAsyncLifetime
{
    private const int SigKillExitCode = 128 + 9;
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit_test_crash_").FullName;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<TargetProcess> _resumed = [];
    private TargetProcess _blue = null!;
    private TargetProcess _green = null!;

    public async Task InitializeAsync()
    {
        _blue = await SampleHost.LaunchAsync("blue", default);
        _green = await SampleHost.LaunchAsync("green", default);
    }

    public async Task DisposeAsync()
    {
        foreach (var child in _resumed)
        {
            await child.DisposeAsync();
        }

        await _blue.DisposeAsync();
        await _green.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(OrchestratorChild.SwitchBeforeApply, "blue")]
    [InlineData(OrchestratorChild.SwitchAfterApply, "green")]
    public async Task ResumeAsync_InNewProcessAfterSigKillMidSwitch_EndsDoneWithGreenServing(string killedAt, string servedWhenKilled)
    {
        var stateFile = Path.Combine(_dir, "state.json");
        await KillAtAsync(stateFile, killedAt, servedWhenKilled, failGreenAfterSwitch: false);

        var saved = await new JsonFileDeploymentStateStore(stateFile).LoadAsync(default);
        saved!.Step.Should().Be(DeploymentStep.CanaryAnalysis);
        saved.SwitchIntent.Should().Be("green");

        var (final, proxy) = await ResumeAsync(stateFile);
        final.Should().Be($"finished {DeploymentStep.Done}");
        var state = (await new JsonFileDeploymentStateStore(stateFile).LoadAsync(default))!;
        state.Step.Should().Be(DeploymentStep.Done);
        state.Timeline.Select(e => e.Step).Should().Equal(
            DeploymentStep.Idle, DeploymentStep.GreenDeployed, DeploymentStep.HealthGated, DeploymentStep.CanaryAnalysis,
            DeploymentStep.Switched, DeploymentStep.BlueDrained, DeploymentStep.Done);
        (await ServedAsync(proxy, 20)).Should().OnlyContain(v => v == "green");
    }

    [Fact]
    public async Task ResumeAsync_InNewProcessAfterSigKillMidRollback_EndsRolledBackWithBlueServing()
    {
        var stateFile = Path.Combine(_dir, "rollback.json");
        // Green turns unhealthy right after the switch; the bake catches it and the child dies once RollingBack is saved,
        // with its proxy still on green.
        await KillAtAsync(stateFile, OrchestratorChild.RollingBack, servedWhenKilled: "green", failGreenAfterSwitch: true);

        var saved = (await new JsonFileDeploymentStateStore(stateFile).LoadAsync(default))!;
        saved.Step.Should().Be(DeploymentStep.RollingBack);
        saved.FailedInProduction.Should().BeTrue();
        saved.RollbackReason.Should().Be("after the switch: green unhealthy: 2 consecutive failed probes");

        var (final, proxy) = await ResumeAsync(stateFile);
        final.Should().Be($"finished {DeploymentStep.RolledBack}");
        var state = (await new JsonFileDeploymentStateStore(stateFile).LoadAsync(default))!;
        state.Timeline.Select(e => e.Step).Should().Equal(
            DeploymentStep.Idle, DeploymentStep.GreenDeployed, DeploymentStep.HealthGated, DeploymentStep.CanaryAnalysis,
            DeploymentStep.Switched, DeploymentStep.RollingBack, DeploymentStep.RolledBack);
        state.RollbackReason.Should().Be(saved.RollbackReason);
        (await ServedAsync(proxy, 20)).Should().OnlyContain(v => v == "blue");
    }

    /// <summary>Starts the first child, waits for it to reach the point, checks what its proxy serves then, and kills it.</summary>
    private async Task KillAtAsync(string stateFile, string point, string servedWhenKilled, bool failGreenAfterSwitch)
    {
        var marker = Path.Combine(_dir, "first.marker");
        await using var first = await StartChildAsync("first", OrchestratorChild.Arguments(stateFile, marker, _blue.Target, _green.Target, point, failGreenAfterSwitch));
        (await StepMarker.WaitAsync(marker, "first", () => first.HasExited)).Should().Be(point);
        (await ServedAsync(first.Target.Address, 5)).Should().OnlyContain(v => v == servedWhenKilled);
        (await first.KillAsync()).Should().Be(SigKillExitCode);
    }

    /// <summary>Starts the second child on the same state file; returns its final marker and its proxy (it keeps serving
    /// until the test's end).</summary>
    private async Task<(string Final, Uri Proxy)> ResumeAsync(string stateFile)
    {
        var marker = Path.Combine(_dir, "second.marker");
        var second = await StartChildAsync("second", OrchestratorChild.Arguments(stateFile, marker, _blue.Target, _green.Target));
        _resumed.Add(second);
        return (await StepMarker.WaitAsync(marker, "second", () => second.HasExited), second.Target.Address);
    }

    private static Task<TargetProcess> StartChildAsync(string label, string[] arguments) =>
        TargetProcess.StartDotnetAsync(label, Path.Combine(AppContext.BaseDirectory, "CohortKit.Deployment.Tests.dll"), arguments, TimeSpan.FromSeconds(60));

    private static async Task<List<string>> ServedAsync(Uri proxy, int requests)
    {
        var versions = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            using var response = await Http.GetAsync(new Uri(proxy, "version"));
            response.EnsureSuccessStatusCode();
            versions.Add(response.Headers.GetValues(LoadGenerator.VersionHeader).Single());
        }

        return versions;
    }
}
