using CohortKit.Deployment.Drills;

namespace CohortKit.Deployment.Tests.BlueGreen;

/// <summary>Starts the sample platform host (built as a project reference, so it sits beside the tests) on a loopback port.</summary>
internal static class SampleHost
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "CohortKit.Samples.PlatformHost.dll");

    public static Task<TargetProcess> LaunchAsync(string version, CancellationToken cancellationToken) =>
        TargetProcess.StartDotnetAsync(version, AssemblyPath, ["--app-version", version, "--port", "0", "--allow-faults"], TimeSpan.FromSeconds(60), cancellationToken);
}
