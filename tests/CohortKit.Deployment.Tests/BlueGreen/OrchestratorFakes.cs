using CohortKit.Deployment.BlueGreen;
using CohortKit.Deployment.Canary;

namespace CohortKit.Deployment.Tests.BlueGreen;

/// <summary>A switch that records its calls.</summary>
internal sealed class RecordingSwitch : ITrafficSwitch
{
    public List<string> Switches { get; } = [];

    public DeploymentTarget? Active { get; private set; }

    public Task SwitchAsync(DeploymentTarget target, CancellationToken cancellationToken)
    {
        Switches.Add(target.Version);
        Active = target;
        return Task.CompletedTask;
    }

    public Task<bool> DrainAsync(DeploymentTarget target, TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);
}

/// <summary>A probe whose answers per version are scripted: healthy from probe <c>upFrom</c> on, until probe <c>downFrom</c>.</summary>
internal sealed class ScriptedProbe : IHealthProbe
{
    private readonly Dictionary<string, Func<int, bool>> _script = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _count = new(StringComparer.Ordinal);

    public ScriptedProbe Answer(string version, Func<int, bool> healthyAtProbe)
    {
        _script[version] = healthyAtProbe;
        return this;
    }

    public int Probes(string version) => _count.GetValueOrDefault(version);

    public Task<bool> ProbeAsync(DeploymentTarget target, CancellationToken cancellationToken)
    {
        var n = _count[target.Version] = _count.GetValueOrDefault(target.Version) + 1;
        return Task.FromResult(!_script.TryGetValue(target.Version, out var f) || f(n));
    }
}

/// <summary>A canary source returning fixed arms.</summary>
internal sealed class FixedCanary(CanaryArm blue, CanaryArm green) : ICanarySource
{
    public int Collections { get; private set; }

    public Task<(CanaryArm Blue, CanaryArm Green)> CollectAsync(DeploymentTarget b, DeploymentTarget g, CancellationToken cancellationToken)
    {
        Collections++;
        return Task.FromResult((blue, green));
    }
}

/// <summary>A state store in memory that keeps every saved state.</summary>
internal sealed class MemoryStateStore : IDeploymentStateStore
{
    public List<DeploymentState> Saved { get; } = [];

    public Task<DeploymentState?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Saved.LastOrDefault());

    public Task SaveAsync(DeploymentState state, CancellationToken cancellationToken)
    {
        Saved.Add(state);
        return Task.CompletedTask;
    }
}
