using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Regions.Audit;

namespace CohortKit.Cli.Regions;

/// <summary>The JSON document of <c>cohortkit regions audit verify --json</c>.</summary>
internal sealed record RegionsAuditReport(bool Intact, long Entries, long? FirstBadLine, string? Problem, string? HeadHash);

/// <summary><c>cohortkit regions audit verify</c>: exit 0 when the hash chain is intact, exit 4 naming the first bad entry.</summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var dataDir = RegionsCommand.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Verify the audit log's hash chain: exit 0 intact, exit 4 naming the first changed, deleted or reordered entry.")
        {
            dataDir, json,
        };
        command.SetAction(parse =>
        {
            var dir = RegionsDataDir.Existing(parse.GetValue(dataDir)!);
            var v = AuditVerifier.VerifyFile(dir.AuditPath);
            if (parse.GetValue(json))
            {
                console.WriteJson(new RegionsAuditReport(v.Intact, v.Entries, v.FirstBadLine, v.Problem, v.HeadHash));
            }
            else if (v.Intact)
            {
                console.Out.WriteLine($"audit chain intact: {v.Entries} entries, head {v.HeadHash}");
            }

            return v.Intact ? 0 : console.Fail(RegionsCommand.BrokenAuditChain, $"audit chain broken: {v.Problem}");
        });
        return command;
    }
}
