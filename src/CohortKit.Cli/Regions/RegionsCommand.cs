using System.CommandLine;
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Regions;

/// <summary><c>cohortkit regions …</c>: data residency, GDPR operations, cross-region analytics and manifests. Exit codes: 0 done,
/// 2 bad input, 4 a broken audit chain (<c>audit verify</c>), 1 any other failure.</summary>
internal static class RegionsCommand
{
    /// <summary>Exit code of <c>regions audit verify</c> when the chain is broken.</summary>
    public const int BrokenAuditChain = 4;

    public static Command Create(CliConsole console)
    {
        var audit = new Command("audit", "The hash-chained audit log.") { AuditVerifyCommand.Create(console) };
        return new Command("regions", "Data residency by region: workloads, k-anonymous aggregates, GDPR erase and export, audit verification, Kubernetes manifests.")
        {
            WorkloadCommand.Create(console),
            AggregateCommand.Create(console),
            EraseCommand.Create(console),
            ExportCommand.Create(console),
            ManifestCommand.Create(console),
            audit,
        };
    }

    /// <summary><c>--data-dir</c>.</summary>
    public static Option<DirectoryInfo> DataDir(string description = "The regions data directory (one store per region, audit.jsonl).") =>
        new("--data-dir") { Description = description, Required = true };
}
