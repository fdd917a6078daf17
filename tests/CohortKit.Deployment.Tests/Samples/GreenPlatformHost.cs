namespace CohortKit.Deployment.Tests.Samples;

/// <summary>One green host (fault endpoint mapped, never called) shared by a test class.</summary>
public sealed class GreenPlatformHost : IDisposable
{
    public PlatformHostFactory Factory { get; } = new("green", allowFaults: true);

    public void Dispose() => Factory.Dispose();
}
