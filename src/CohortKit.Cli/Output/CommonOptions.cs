using System.CommandLine;

namespace CohortKit.Cli.Output;

/// <summary>The options every command spells the same way. Each call returns a new option (System.CommandLine options
/// belong to one command).</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: one JSON document on stdout and nothing else.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON document to stdout and nothing else." };

    /// <summary><c>--seed</c>: the seed of every random choice; the same seed gives the same output.</summary>
    /// <param name="description">What the seed drives, when a command wants to say more.</param>
    public static Option<long> Seed(string description = "Seed; the same seed gives the same output.") =>
        new("--seed") { Description = description, DefaultValueFactory = _ => 42 };

    /// <summary><c>--alpha</c>: the significance level, default 0.05.</summary>
    public static Option<double> Alpha() => new("--alpha") { Description = "Significance level.", DefaultValueFactory = _ => 0.05 };
}
