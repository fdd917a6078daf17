using System.Diagnostics;
using CohortKit.Deployment.BlueGreen;
using CohortKit.Errors;

namespace CohortKit.Deployment.Drills;

/// <summary>An application instance in its own process, which announces its address with one line on standard output:
/// <c>listening on http://127.0.0.1:PORT/</c> (as the sample platform host does).</summary>
/// <remarks>Dispose it to kill the process (and its children). Thread-safe.</remarks>
public sealed class TargetProcess : IAsyncDisposable
{
    /// <summary>The line prefix that announces the address.</summary>
    public const string ListeningPrefix = "listening on ";

    private readonly Process _process;

    private TargetProcess(Process process, DeploymentTarget target)
    {
        _process = process;
        Target = target;
    }

    /// <summary>Gets the target (version and address).</summary>
    public DeploymentTarget Target { get; }

    /// <summary>Gets the process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the process and waits for its address.</summary>
    /// <param name="version">The version label of the target.</param>
    /// <param name="startInfo">How to start it (standard output is redirected by this method).</param>
    /// <param name="timeout">How long to wait for the address line.</param>
    /// <param name="cancellationToken">Cancels the wait (the process is killed).</param>
    /// <returns>The running process.</returns>
    /// <exception cref="CohortKitException">The process exited or did not announce an address in time (its last output is in the message).</exception>
    public static async Task<TargetProcess> StartAsync(string version, ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentNullException.ThrowIfNull(startInfo);
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = Process.Start(startInfo) ?? throw new CohortKitException($"{startInfo.FileName} did not start.");
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                address.TrySetException(new CohortKitException($"{version} exited before announcing its address: {string.Join(" | ", output.TakeLast(5))}"));
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.StartsWith(ListeningPrefix, StringComparison.Ordinal) && Uri.TryCreate(e.Data[ListeningPrefix.Length..].Trim(), UriKind.Absolute, out var uri))
            {
                address.TrySetResult(uri);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var uri = await address.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return new TargetProcess(process, new DeploymentTarget(version, uri));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or CohortKitException)
        {
            Kill(process);
            process.Dispose();
            throw ex is TimeoutException ? new CohortKitException($"{version} did not announce its address within {timeout.TotalSeconds:F0} s: {string.Join(" | ", output.TakeLast(5))}") : ex;
        }
    }

    /// <summary>Starts a framework-dependent .NET application (<c>dotnet app.dll args…</c>) with the same <c>dotnet</c> host as
    /// this process (<c>DOTNET_HOST_PATH</c> when set, else this process's executable when it is <c>dotnet</c>, else <c>dotnet</c> on the PATH).</summary>
    /// <param name="version">The version label of the target.</param>
    /// <param name="assemblyPath">The application's .dll.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long to wait for the address line.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The running process.</returns>
    /// <exception cref="FileNotFoundException">The assembly does not exist.</exception>
    /// <exception cref="CohortKitException">The process exited or did not announce an address in time.</exception>
    public static Task<TargetProcess> StartDotnetAsync(string version, string assemblyPath, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"The application {assemblyPath} does not exist; build it first.", assemblyPath);
        }

        var info = new ProcessStartInfo(DotnetHost()) { ArgumentList = { assemblyPath } };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        return StartAsync(version, info, timeout, cancellationToken);
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    /// <summary>Kills the process at once (as a crash would).</summary>
    public void Kill() => Kill(_process);

    /// <summary>Kills the process at once (SIGKILL on Unix: no handler, no <c>finally</c>, no flush runs, as in a crash) and
    /// waits until it has exited.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The exit code (128 + 9 on Unix for a process killed by SIGKILL).</returns>
    public async Task<int> KillAsync(CancellationToken cancellationToken = default)
    {
        Kill(_process);
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
