namespace CohortKit.Deployment.Tests.ChildProcesses;

/// <summary>
/// The test assembly's own entry point (the Test SDK's generated one is turned off in the csproj), so that a test can start
/// this assembly as a child process — <c>dotnet CohortKit.Deployment.Tests.dll MODE …</c> — and kill it with SIGKILL at a known
/// step: the child writes a marker file when it reaches the step and then blocks, so the kill never races the work.
/// </summary>
internal static class ChildProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case OrchestratorChild.Mode:
                await OrchestratorChild.RunAsync(ChildArguments.Parse(args[1..]));
                return 0;
            case MigrationChild.Mode:
                await MigrationChild.RunAsync(ChildArguments.Parse(args[1..]));
                return 0;
            default:
                await Console.Error.WriteLineAsync($"usage: {OrchestratorChild.Mode}|{MigrationChild.Mode} --name value ...");
                return 2;
        }
    }
}

/// <summary><c>--name value</c> pairs of a child process.</summary>
internal sealed class ChildArguments(Dictionary<string, string> values)
{
    public static ChildArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new ChildArguments(values);
    }

    public string this[string name] => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is missing.", nameof(name));

    public string? Optional(string name) => values.GetValueOrDefault(name);
}

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
