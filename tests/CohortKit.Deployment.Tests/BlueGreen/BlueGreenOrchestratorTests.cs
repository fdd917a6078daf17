using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Tests.Canary;

namespace CohortKit.Deployment.Tests.BlueGreen;

/// <summary>The state machine with scripted health, canary data of known truth and a recording switch.</summary>
public sealed class BlueGreenOrchestratorTests
{
    private static readonly DeploymentTarget Blue = new("blue", new Uri("http://127.0.0.1:5001/"));
    private static readonly DeploymentTarget Green = new("green", new Uri("http://127.0.0.1:5002/"));
    private static readonly BlueGreenOptions Fast = new() { ProbeInterval = TimeSpan.FromMilliseconds(1), BakeTime = TimeSpan.FromMilliseconds(30), HealthGateTimeout = TimeSpan.FromSeconds(2) };

    private readonly RecordingSwitch _switch = new();
    private readonly MemoryStateStore _store = new();

    private BlueGreenOrchestrator Orchestrator(IHealthProbe probe, double greenLatencyScale = 1) =>
        new(Fast, _switch, probe, new FixedCanary(CanaryJudgeTests.Arm(new Random(1), 300), CanaryJudgeTests.Arm(new Random(2), 300, latencyScale: greenLatencyScale)),
            new CanaryJudge(new CanaryOptions()), _store);

    [Fact]
    public async Task DeployAsync_HealthyEqualGreen_WalksEveryStepToDone()
    {
        var final = await Orchestrator(new ScriptedProbe()).DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.Done);
        final.Timeline.Select(e => e.Step).Should().Equal(DeploymentStep.Idle, DeploymentStep.GreenDeployed, DeploymentStep.HealthGated, DeploymentStep.CanaryAnalysis,
            DeploymentStep.Switched, DeploymentStep.BlueDrained, DeploymentStep.Done);
        final.Verdict.Should().Be(CanaryVerdict.Pass);
        _switch.Switches.Should().Equal("blue", "green");
        _store.Saved.Select(s => s.Step).Should().Contain(DeploymentStep.Switched).And.EndWith(DeploymentStep.Done);
        _store.Saved.Should().Contain(s => s.Step == DeploymentStep.CanaryAnalysis && s.SwitchIntent == "green", "the switch's target is saved before the switch");
    }

    [Fact]
    public async Task DeployAsync_GreenNeverHealthy_RolledBackAtTheGate_TrafficNeverLeftBlue()
    {
        var final = await Orchestrator(new ScriptedProbe().Answer("green", _ => false)).DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.RollbackReason.Should().StartWith("health gate: green not healthy within");
        final.FailedInProduction.Should().BeFalse();
        _switch.Switches.Should().OnlyContain(v => v == "blue");
    }

    [Fact]
    public async Task DeployAsync_SlowGreen_RolledBackByTheCanary()
    {
        var final = await Orchestrator(new ScriptedProbe(), greenLatencyScale: 1.5).DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.Verdict.Should().Be(CanaryVerdict.Fail);
        final.RollbackReason.Should().StartWith("canary fail: critical latency_ms");
        _switch.Switches.Should().OnlyContain(v => v == "blue");
    }

    [Fact]
    public async Task DeployAsync_GreenUnhealthyAtTheSwitch_SwitchRefused()
    {
        // Healthy for the 3 gate probes, then down: the probe right before the switch fails.
        var final = await Orchestrator(new ScriptedProbe().Answer("green", n => n <= 3)).DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.RollbackReason.Should().Be("switch refused: green is unhealthy");
        _switch.Switches.Should().OnlyContain(v => v == "blue");
    }

    [Fact]
    public async Task DeployAsync_ZeroBakeTime_StillProbesUpToTheFailureThreshold_AndRollsBackAFailingGreen()
    {
        // A bake shorter than the probes take (here zero; on a loaded machine, 30 ms) used to end before its first probe.
        var probe = new ScriptedProbe().Answer("green", n => n <= 4);
        var orchestrator = new BlueGreenOrchestrator(new BlueGreenOptions { ProbeInterval = TimeSpan.FromMilliseconds(1), BakeTime = TimeSpan.Zero, FailureThreshold = 2 },
            _switch, probe, new FixedCanary(CanaryJudgeTests.Arm(new Random(1), 300), CanaryJudgeTests.Arm(new Random(1), 300)), new CanaryJudge(new CanaryOptions()), _store);
        var final = await orchestrator.DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.RollbackReason.Should().Be("after the switch: green unhealthy: 2 consecutive failed probes");
        probe.Probes("green").Should().Be(6); // 3 gate + 1 before the switch + 2 in the bake
    }

    [Fact]
    public async Task DeployAsync_GreenFailsDuringBake_RolledBackAfterTwoFailedProbes()
    {
        var final = await Orchestrator(new ScriptedProbe().Answer("green", n => n <= 4)).DeployAsync(Blue, Green);
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.RollbackReason.Should().Be("after the switch: green unhealthy: 2 consecutive failed probes");
        final.FailedInProduction.Should().BeTrue();
        _switch.Switches.Should().Equal("blue", "green", "blue");
        final.RollbackDuration.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero);
    }

    [Fact]
    public async Task DeployAsync_WhileAnotherIsUnfinished_Refused()
    {
        _store.Saved.Add(new DeploymentState { Id = "x", Blue = Blue, Green = Green, Step = DeploymentStep.Switched });
        var act = () => Orchestrator(new ScriptedProbe()).DeployAsync(Blue, Green);
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*x is unfinished at step Switched*");
    }

    [Fact]
    public async Task DeployAsync_SameVersion_ThrowsNamingGreen()
    {
        var act = () => Orchestrator(new ScriptedProbe()).DeployAsync(Blue, Blue with { Address = new Uri("http://127.0.0.1:6000/") });
        await act.Should().ThrowAsync<ArgumentException>().WithParameterName("green");
    }

    [Fact]
    public async Task RollbackAsync_Requested_RoutesToBlue()
    {
        _store.Saved.Add(new DeploymentState { Id = "x", Blue = Blue, Green = Green, Step = DeploymentStep.BlueDrained, Timeline = [new(DeploymentStep.BlueDrained, DateTimeOffset.UnixEpoch, "")] });
        var final = await Orchestrator(new ScriptedProbe()).RollbackAsync("incident 7");
        final.Step.Should().Be(DeploymentStep.RolledBack);
        final.RollbackReason.Should().Be("incident 7");
        _switch.Active!.Version.Should().Be("blue");
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheOption()
    {
        var act = () => new BlueGreenOrchestrator(new BlueGreenOptions { FailureThreshold = 0 }, _switch, new ScriptedProbe(), new FixedCanary(null!, null!), new CanaryJudge(new CanaryOptions()), _store);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("FailureThreshold");
    }
}
