namespace CohortKit.Deployment.BlueGreen;

/// <summary>Options of the <see cref="BlueGreenOrchestrator"/>.</summary>
public sealed class BlueGreenOptions
{
    /// <summary>Gets or sets the pause between health probes.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the consecutive successful probes that make a target healthy.</summary>
    /// <value>The default value is 3.</value>
    public int SuccessThreshold { get; set; } = 3;

    /// <summary>Gets or sets the consecutive failed probes that make a healthy target unhealthy.</summary>
    /// <value>The default value is 2.</value>
    public int FailureThreshold { get; set; } = 2;

    /// <summary>Gets or sets how long green has to become healthy.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan HealthGateTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long green's health is watched after the switch before blue is drained; the watch also makes
    /// at least <see cref="FailureThreshold"/> probes, so that a short bake on a slow machine can still fail.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BakeTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a drain may wait for requests in flight.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether a marginal canary verdict rolls back (otherwise it proceeds).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RollBackOnMarginal { get; set; } = true;
}
