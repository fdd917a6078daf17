namespace CohortKit.Deployment.Tests.ChildProcesses;

/// <summary>The marker file by which a child says which step it reached (written to a temporary name, then renamed, so the
/// parent never reads half of it).</summary>
internal static class StepMarker
{
    /// <summary>Writes the marker and blocks the calling thread until the process is killed.</summary>
    public static void ReachAndBlock(string path, string step)
    {
        Reach(path, step);
        Thread.Sleep(Timeout.Infinite);
    }

    public static void Reach(string path, string step)
    {
        File.WriteAllText(path + ".tmp", step);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Waits until the child has written the marker; fails if the child exits first or nothing comes within the
    /// deadline (a guard against a hung child, not a timing assertion).</summary>
    public static async Task<string> WaitAsync(string path, string child, Func<bool> hasExited)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (!File.Exists(path))
        {
            if (hasExited())
            {
                throw new InvalidOperationException($"The child {child} exited before writing {path}.");
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"The child {child} wrote no {path} within 2 minutes.");
            }

            await Task.Delay(20);
        }

        return await File.ReadAllTextAsync(path);
    }
}
