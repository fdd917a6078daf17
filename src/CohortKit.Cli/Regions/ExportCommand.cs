using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Regions.Audit;

namespace CohortKit.Cli.Regions;

/// <summary><c>cohortkit regions export</c>: GDPR Art. 15/20 export of one learner, read from the home region only, as JSON.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var dataDir = RegionsCommand.DataDir();
        var learner = new Option<string>("--learner") { Description = "The learner id.", Required = true };
        var command = new Command("export", "Export everything held about a learner (GDPR Art. 15 and 20) from the home region only, as one JSON document.")
        {
            dataDir, learner,
        };
        command.SetAction(parse =>
        {
            var dir = RegionsDataDir.Existing(parse.GetValue(dataDir)!);
            using var audit = AuditLog.Open(dir.AuditPath);
            using var plane = dir.OpenPlane(audit);
            console.WriteJson(EraseCommand.Learner(() => plane.Export(parse.GetValue(learner)!)));
            return 0;
        });
        return command;
    }
}
