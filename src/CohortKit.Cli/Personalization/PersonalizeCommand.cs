using System.CommandLine;
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Personalization;

/// <summary><c>cohortkit personalize</c>: off-policy evaluation of interaction logs and contextual-bandit simulations.</summary>
internal static class PersonalizeCommand
{
    public static Command Create(CliConsole console) => new("personalize", "Contextual bandits: evaluate a candidate policy on a log (IPS, SNIPS, DR) or simulate a policy online.")
    {
        EvaluateCommand.Create(console),
        SimulatePolicyCommand.Create(console),
    };
}
