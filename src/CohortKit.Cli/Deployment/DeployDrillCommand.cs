using System.CommandLine;
using System.Globalization;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Deployment.Drills;
using Spectre.Console;

namespace CohortKit.Cli.Deployment;

/// <summary>The JSON document of <c>cohortkit deploy drill</c> (a contract: scripts depend on it exactly; absent values are null,
/// never omitted). <c>p99LatencyMs</c> is from each request's intended send time (open loop, as wrk2), <c>p99ServiceLatencyMs</c>
/// from its actual send.</summary>
internal sealed record DeployDrillReport(
    int Requests,
    int Failed,
    double P99LatencyMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? SwitchedAtMs,
    bool RolledBack,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? RollbackMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Verdict,
    double P99ServiceLatencyMs);

/// <summary><c>cohortkit deploy drill</c>: blue and green sample hosts on loopback behind the YARP switch, a bounded load,
/// a blue-green deployment mid-load (with <c>--fail-green</c>, green turns unhealthy after the switch and is rolled back).</summary>
internal static class DeployDrillCommand
{
    /// <summary>The sample host, copied beside the CLI by its project reference.</summary>
    public static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "CohortKit.Samples.PlatformHost.dll");

    public static Command Create(CliConsole console)
    {
        var requests = new Option<int>("--requests") { Description = "Requests the load sends through the proxy.", DefaultValueFactory = _ => 10_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at most.", DefaultValueFactory = _ => 16 };
        var failGreen = new Option<bool>("--fail-green") { Description = "Green turns unhealthy right after the switch; the orchestrator must roll it back." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Write requests.csv (sent_at_ms,status,version,latency_ms; status 0 = transport failure) and state.json here." };
        var chart = new Option<FileInfo?>("--chart") { Description = "Write a PNG timeline of the drill (latency of every request by version, with the deployment's steps)." };
        var json = CommonOptions.Json();
        var drill = new Command("drill", "Blue-green drill on loopback: two sample hosts behind the YARP switch, a bounded load, a switch (or a rollback) mid-load.")
        {
            requests, concurrency, failGreen, output, chart, json,
        };
        drill.SetAction(parse =>
        {
            var n = parse.GetValue(requests);
            var c = parse.GetValue(concurrency);
            if (n < 100) { throw new ArgumentException($"--requests: must be at least 100, got {n}."); }
            if (c is < 1 or > 1024) { throw new ArgumentException($"--concurrency: must be in 1..1024, got {c}."); }
            var dir = parse.GetValue(output);
            if (dir is not null && File.Exists(dir.FullName)) { throw new ArgumentException($"--out {dir.FullName}: this is a file, not a directory."); }
            var chartFile = parse.GetValue(chart);
            var work = dir?.FullName ?? Directory.CreateTempSubdirectory("cohortkit-deploy-drill-").FullName;
            Directory.CreateDirectory(work);
            try
            {
                var drillRunner = new BlueGreenDrill(
                    (version, ct) => TargetProcess.StartDotnetAsync(version, HostAssembly, ["--app-version", version, "--port", "0", "--allow-faults"], TimeSpan.FromSeconds(60), ct),
                    Path.Combine(work, "state.json"));
                var result = drillRunner.RunAsync(new BlueGreenDrillOptions { Requests = n, Concurrency = c, FailGreen = parse.GetValue(failGreen) }).GetAwaiter().GetResult();
                if (dir is not null)
                {
                    WriteCsv(Path.Combine(work, "requests.csv"), result.Requests);
                }

                if (chartFile is not null)
                {
                    DeployDrillChart.Save(result, chartFile.FullName);
                }

                var report = new DeployDrillReport(result.Requests.Count, result.Failed, result.P99LatencyMs, result.SwitchedAtMs, result.RolledBack, result.RollbackMs,
                    result.State.Verdict?.ToString().ToLowerInvariant(), result.P99ServiceLatencyMs);
                if (parse.GetValue(json))
                {
                    console.WriteJson(report);
                }
                else
                {
                    var table = new Table().AddColumns("step", "at ms", "detail");
                    foreach (var e in result.State.Timeline)
                    {
                        table.AddRow(e.Step.ToString(), ((e.At - result.State.Timeline[0].At).TotalMilliseconds + result.Timeline[0].AtMs).ToString("F0", CultureInfo.InvariantCulture), Markup.Escape(e.Detail));
                    }

                    console.Ansi.Write(table);
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"requests {report.Requests:N0}, failed {report.Failed}, p99 {report.P99LatencyMs:F1} ms from the intended send ({report.P99ServiceLatencyMs:F1} ms from the actual send), switched at {Text(report.SwitchedAtMs)} ms, rolled back {report.RolledBack} ({Text(report.RollbackMs)} ms), canary {report.Verdict ?? "-"}"));
                }

                return result.Failed == 0 ? 0 : CliConsole.Failure;
            }
            finally
            {
                if (dir is null)
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        });
        return new Command("deploy", "Blue-green deployment.") { drill };
    }

    private static string Text(double? ms) => ms is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "-";

    private static void WriteCsv(string path, IReadOnlyList<RequestSample> requests)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("sent_at_ms,status,version,latency_ms");
        foreach (var r in requests)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.SentAtMs:F3},{r.Status},{r.Version},{r.LatencyMs:F3}"));
        }
    }
}
