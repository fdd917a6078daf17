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
        drill.SetAction(async (parse, cancellationToken) =>
        {
            // Return the task to System.CommandLine at once: its Ctrl-C/SIGTERM handler is registered only when the action
            // first yields, and SQLite's "async" calls complete synchronously (a 3M-row fill would otherwise ignore SIGTERM).
            await Task.Yield();
            var n = parse.GetValue(requests);
            var c = parse.GetValue(concurrency);
            if (n is < MinRequests or > MaxRequests) { throw new ArgumentException($"--requests: must be in {MinRequests:N0}..{MaxRequests:N0}, got {n:N0}."); }
            if (c is < 1 or > 1024) { throw new ArgumentException($"--concurrency: must be in 1..1024, got {c}."); }
            var dir = parse.GetValue(output);
            var chartFile = parse.GetValue(chart);
            CheckOutputs(dir, chartFile);
            var work = dir?.FullName ?? Directory.CreateTempSubdirectory("cohortkit-deploy-drill-").FullName;
            try
            {
                var drillRunner = new BlueGreenDrill(
                    (version, ct) => TargetProcess.StartDotnetAsync(version, HostAssembly, ["--app-version", version, "--port", "0", "--allow-faults"], TimeSpan.FromSeconds(60), ct),
                    Path.Combine(work, "state.json"));
                BlueGreenDrillResult result;
                try
                {
                    result = await drillRunner.RunAsync(new BlueGreenDrillOptions { Requests = n, Concurrency = c, FailGreen = parse.GetValue(failGreen) }, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return console.Fail(CliConsole.Cancelled, "cancelled: the load stopped and both sample hosts were stopped; nothing written");
                }

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
                    console.Out.WriteLine(Summary(report));
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

    /// <summary>The fewest requests a drill sends.</summary>
    internal const int MinRequests = 100;

    /// <summary>The most requests a drill sends: every request's sample is kept in memory (about 60 bytes each) and the
    /// schedule spreads them over 8 s, far beyond what a loopback host answers at this size.</summary>
    internal const int MaxRequests = 1_000_000;

    /// <summary>The human summary line.</summary>
    internal static string Summary(DeployDrillReport report) => string.Create(CultureInfo.InvariantCulture,
        $"requests {report.Requests:N0}, failed {report.Failed}, p99 {report.P99LatencyMs:F1} ms from the intended send ({report.P99ServiceLatencyMs:F1} ms from the actual send), switched at {Text(report.SwitchedAtMs)} ms, rolled back: {(report.RolledBack ? "yes" : "no")}{(report.RollbackMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $" in {ms:F0} ms") : string.Empty)}, canary {report.Verdict ?? "-"}");

    /// <summary>Refuses unusable output paths before anything starts (the drill takes tens of seconds).</summary>
    private static void CheckOutputs(DirectoryInfo? dir, FileInfo? chart)
    {
        if (dir is not null)
        {
            if (File.Exists(dir.FullName)) { throw new ArgumentException($"--out {dir.FullName}: this is a file, not a directory."); }
            try
            {
                Directory.CreateDirectory(dir.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--out {dir.FullName}: the folder cannot be created ({ex.Message.TrimEnd('.')}).", ex);
            }
        }

        if (chart is not null)
        {
            if (Directory.Exists(chart.FullName)) { throw new ArgumentException($"--chart {chart.FullName}: this is a folder; give a .png file name."); }
            if (chart.Directory is { } folder && !folder.Exists) { throw new ArgumentException($"--chart {chart.FullName}: the folder {folder.FullName} does not exist."); }
        }
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
