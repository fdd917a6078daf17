using System.CommandLine;
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn</c>: churn models, BG/NBD and their evaluation.</summary>
internal static class ChurnCommand
{
    public static Command Create(CliConsole console) => new("churn", "Churn prediction: BG/NBD, early-warning models, OULAD and tabular training.")
    {
        FitBgNbdCommand.Create(console),
        TrainTableCommand.Create(console),
        TrainCommand.Create(console),
        ScoreCommand.Create(console),
        OuladChurnCommand.Create(console),
    };
}
