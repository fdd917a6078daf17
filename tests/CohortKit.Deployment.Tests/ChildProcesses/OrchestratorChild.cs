using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;
using CohortKit.Deployment.Drills;
using CohortKit.Deployment.Tests.BlueGreen;
using CohortKit.Deployment.Tests.Canary;

namespace CohortKit.Deployment.Tests.ChildProcesses;

/// <summary>
/// An orchestrator in its own process, with its own YARP proxy (announced as <c>listening on …</c>), driving the saved
/// deployment in <c>--state</c> (resuming it when the file holds one). With <c>--block</c> it stops at a known point — inside
/// the switch to green before or after the route is applied (<see cref="SwitchBeforeApply"/>, <see cref="SwitchAfterApply"/>),
/// or once <see cref="DeploymentStep.RollingBack"/> is saved — writes the point to <c>--marker</c> and waits to be killed.
/// Without it, it writes <c>finished STEP</c> once the deployment has ended and keeps its proxy serving until killed.
/// </summary>
internal static class OrchestratorChild
{
    public const string Mode = "orchestrator";
    public const string SwitchBeforeApply = "switch-before-apply";
    public const string SwitchAfterApply = "switch-after-apply";
    public const string RollingBack = "rolling-back";

    public static string[] Arguments(string stateFile, string marker, DeploymentTarget blue, DeploymentTarget green, string? block = null, bool failGreenAfterSwitch = false) =>
    [
        Mode, "--state", stateFile, "--marker", marker, "--blue", blue.Address.ToString(), "--green", green.Address.ToString(),
        "--block", block ?? "none", "--fail-green-after-switch", failGreenAfterSwitch ? "yes" : "no",
    ];

    public static async Task RunAsync(ChildArguments args)
    {
        var marker = args["marker"];
        var block = args["block"];
        var blue = new DeploymentTarget("blue", new Uri(args["blue"]));
        var green = new DeploymentTarget("green", new Uri(args["green"]));
        var traffic = new YarpTrafficSwitch();
        await using var proxy = await LoopbackProxy.StartAsync(traffic);
        Console.WriteLine($"{TargetProcess.ListeningPrefix}{proxy.Address}");
        Console.Out.Flush();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        ITrafficSwitch route = block is SwitchBeforeApply or SwitchAfterApply ? new BlockingSwitch(traffic, block, marker) : traffic;
        // The canary is not what these tests are about: both arms are one fixed sample, so the verdict is always a pass.
        var arm = CanaryJudgeTests.Arm(new Random(1), 200);
        var store = new JsonFileDeploymentStateStore(args["state"]);
        var orchestrator = new BlueGreenOrchestrator(BlueGreenDrill.OrchestratorOptions, route, new HttpHealthProbe(http, timeout: TimeSpan.FromSeconds(5)),
            new FixedCanary(arm, arm), new CanaryJudge(new CanaryOptions()), store);
        orchestrator.StepEntered += (_, state) =>
        {
            if (state.Step == DeploymentStep.Switched && args["fail-green-after-switch"] == "yes")
            {
                using var response = http.PostAsync(new Uri(green.Address, "admin/fault/unhealthy"), null).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
            }

            if (state.Step == DeploymentStep.RollingBack && block == RollingBack)
            {
                StepMarker.ReachAndBlock(marker, RollingBack);
            }
        };

        var final = await store.LoadAsync(default) is null ? await orchestrator.DeployAsync(blue, green) : await orchestrator.ResumeAsync();
        StepMarker.Reach(marker, $"finished {final!.Step}");
        await Task.Delay(Timeout.Infinite);
    }

    /// <summary>Blocks inside the switch to green, before or after applying the route.</summary>
    private sealed class BlockingSwitch(YarpTrafficSwitch inner, string block, string marker) : ITrafficSwitch
    {
        public DeploymentTarget? Active => inner.Active;

        public async Task SwitchAsync(DeploymentTarget target, CancellationToken cancellationToken)
        {
            if (target.Version == "green")
            {
                if (block == SwitchAfterApply)
                {
                    await inner.SwitchAsync(target, cancellationToken);
                }

                StepMarker.ReachAndBlock(marker, block);
            }

            await inner.SwitchAsync(target, cancellationToken);
        }

        public Task<bool> DrainAsync(DeploymentTarget target, TimeSpan timeout, CancellationToken cancellationToken) => inner.DrainAsync(target, timeout, cancellationToken);
    }
}
