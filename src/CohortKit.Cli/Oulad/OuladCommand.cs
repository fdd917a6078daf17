using System.CommandLine;
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Oulad;

/// <summary><c>cohortkit oulad</c>: analyses of the Open University Learning Analytics Dataset read from its own files.</summary>
internal static class OuladCommand
{
    public static Command Create(CliConsole console) => new("oulad", "Survival and retention on the Open University Learning Analytics Dataset (OULAD).")
    {
        OuladSurvivalCommand.Create(console),
        OuladRetentionCommand.Create(console),
    };

    /// <summary><c>--path</c>: the OULAD folder.</summary>
    public static Option<DirectoryInfo> PathOption() => new("--path")
    {
        Description = "The OULAD folder (studentInfo.csv, studentRegistration.csv, courses.csv, derived/studentVle_weekly.csv).",
        Required = true,
    };
}
