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
