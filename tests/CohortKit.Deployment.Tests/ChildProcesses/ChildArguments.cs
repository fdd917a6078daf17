namespace CohortKit.Deployment.Tests.ChildProcesses;

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
