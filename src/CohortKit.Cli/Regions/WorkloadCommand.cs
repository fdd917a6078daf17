using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Routing;
using CohortKit.Regions.Workload;
using Spectre.Console;

namespace CohortKit.Cli.Regions;

/// <summary>The JSON document of <c>cohortkit regions workload</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record RegionsWorkloadReport(long Learners, long Events, long AttemptedViolations, long Refused, long Audited, double RoutingP99Micros);

/// <summary><c>cohortkit regions workload</c>: a seeded multi-region workload written to one store per region.</summary>
internal static class WorkloadCommand
{
    public static Command Create(CliConsole console)
    {
        var learners = new Option<int>("--learners") { Description = "Learners to register (at least 1).", Required = true };
        var seed = CommonOptions.Seed();
        var dataDir = RegionsCommand.DataDir("Directory for <region>.db (SQLite) and audit.jsonl; a previous workload there is replaced.");
        var store = new Option<string>("--store") { Description = "sqlite (one file per region) or postgres (one database per region).", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string of a role that may create databases (default: COHORTKIT_PG, else the local socket as the current user)." };
        var json = CommonOptions.Json();
        var command = new Command("workload", "Simulate registrations, activity, deliberate cross-border reads and copies, and routed requests across the regions.")
        {
            learners, seed, dataDir, store, connection, json,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(learners);
            if (n < 1) { throw new ArgumentException($"--learners {n}: must be at least 1."); }
            var kind = parse.GetValue(store)!;
            if (parse.GetValue(connection) is not null && kind != "postgres") { throw new ArgumentException("--connection: only with --store postgres."); }
            var dir = RegionsDataDir.Fresh(parse.GetValue(dataDir)!, kind, parse.GetValue(connection));
            RegionWorkloadResult result;
            using (var audit = AuditLog.Open(dir.AuditPath))
            using (var plane = dir.OpenPlane(audit))
            {
                result = new RegionWorkload(new RegionWorkloadOptions { Learners = n, Seed = parse.GetValue(seed) }).Run(plane, new CatalogueLatencyModel());
            }

            var report = new RegionsWorkloadReport(result.Learners, result.Events, result.AttemptedViolations, result.Refused, result.Audited, result.RoutingP99Micros);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return 0;
            }

            var table = new Table().AddColumns("learners", "events", "attempted violations", "refused", "audited", "routing p99 µs");
            table.AddRow(Text(report.Learners), Text(report.Events), Text(report.AttemptedViolations), Text(report.Refused), Text(report.Audited), report.RoutingP99Micros.ToString("F0", CultureInfo.InvariantCulture));
            console.Ansi.Write(table);
            var latency = new Table().AddColumns("home region", "requests", "p50 µs", "p99 µs", "p99 ≤ 100 ms");
            foreach (var r in result.Latency)
            {
                latency.AddRow(r.Region, Text(r.Requests), r.P50Micros.ToString("F0", CultureInfo.InvariantCulture), r.P99Micros.ToString("F0", CultureInfo.InvariantCulture), r.MeetsTarget ? "yes" : "no");
            }

            console.Ansi.Write(latency);
            return 0;
        });
        return command;
    }

    private static string Text(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
