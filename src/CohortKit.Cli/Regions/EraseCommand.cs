using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Regions.Audit;
using CohortKit.Regions.DataPlane;

namespace CohortKit.Cli.Regions;

/// <summary>The JSON document of <c>cohortkit regions erase</c>: the receipt, by pseudonymous token.</summary>
internal sealed record RegionsEraseReport(string SubjectToken, string HomeRegion, long RowsDeleted, int StoresCleaned, long AuditSequence, IReadOnlyList<string> MisplacedRegions);

/// <summary><c>cohortkit regions erase</c>: GDPR Art. 17 erasure of one learner from every store and derived table, audited by token.</summary>
internal static class EraseCommand
{
    public static Command Create(CliConsole console)
    {
        var dataDir = RegionsCommand.DataDir();
        var learner = new Option<string>("--learner") { Description = "The learner id.", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("erase", "Erase a learner (GDPR Art. 17) from the home store, any allowed copy and every derived table; audited by a pseudonymous token.")
        {
            dataDir, learner, json,
        };
        command.SetAction(parse =>
        {
            var dir = RegionsDataDir.Existing(parse.GetValue(dataDir)!);
            ErasureReceipt receipt;
            using (var audit = AuditLog.Open(dir.AuditPath))
            using (var plane = dir.OpenPlane(audit))
            {
                receipt = Learner(() => plane.Erase(parse.GetValue(learner)!));
            }

            var report = new RegionsEraseReport(receipt.SubjectToken, receipt.HomeRegion, receipt.RowsDeleted, receipt.StoresCleaned, receipt.AuditSequence, receipt.MisplacedRegions);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                console.Out.WriteLine($"erased {report.SubjectToken} from {report.HomeRegion}: {report.RowsDeleted} rows over {report.StoresCleaned} stores (audit entry {report.AuditSequence})");
                if (report.MisplacedRegions.Count > 0)
                {
                    console.Out.WriteLine($"rows of the learner were also found outside the allowed regions, in {string.Join(", ", report.MisplacedRegions)}: erased and audited");
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Reports an unknown learner by the option the user typed.</summary>
    internal static T Learner<T>(Func<T> run)
    {
        try
        {
            return run();
        }
        catch (ArgumentException ex) when (ex.ParamName == "learnerId")
        {
            throw new ArgumentException($"--learner: {Errors.ArgumentExceptionMessages.WithoutParameterName(ex)}", ex);
        }
    }
}
