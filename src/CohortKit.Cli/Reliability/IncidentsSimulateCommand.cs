using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortKit.Cli.Output;
using CohortKit.Reliability.Incidents;
using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace CohortKit.Cli.Reliability;

/// <summary>One event of a scenario file.</summary>
internal sealed record ScenarioEvent(double? AtSeconds, string Type, string Fingerprint, string? Severity, string? Summary, string? By, string? Action, string? Target, bool? Succeeds);

/// <summary>A scenario file of <c>cohortkit incidents simulate</c>.</summary>
internal sealed record Scenario(double? AckDeadlineSeconds, int? MaxEscalations, IReadOnlyList<string>? Handlers, IReadOnlyList<ScenarioEvent?> Events);

/// <summary>One timeline entry in the JSON.</summary>
internal sealed record TimelineJson(double AtSeconds, string Kind, string Detail);

/// <summary>One incident in the JSON.</summary>
internal sealed record IncidentJson(
    int Id, string Fingerprint, string Severity, string Summary, int Alerts, int Escalations, double OpenedAtSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? AcknowledgedAtSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ResolvedAtSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? TimeToAcknowledgeSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? TimeToResolveSeconds,
    IReadOnlyList<TimelineJson> Timeline);

/// <summary>The JSON document of <c>cohortkit incidents simulate</c>.</summary>
internal sealed record IncidentsReport(
    IReadOnlyList<IncidentJson> Incidents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MttaSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MttrSeconds);

/// <summary><c>cohortkit incidents simulate</c>: replays a scenario of alerts, acknowledgements, runbook actions and resolutions
/// against the incident coordinator on a fake clock, and reports each incident's timeline with MTTA and MTTR.</summary>
internal static class IncidentsSimulateCommand
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.UnixEpoch;

    /// <summary>The shortest acknowledgement deadline a scenario may set: 1 ms (below it the deadline is not a response time).</summary>
    private const double MinimumDeadlineSeconds = 0.001;

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static Command Create(CliConsole console)
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "Scenario JSON (docs/cli.md#cohortkit-incidents-simulate).", Required = true };
        var postmortem = new Option<FileInfo?>("--postmortem") { Description = "Also write every incident's postmortem draft (Markdown) to this file." };
        var json = CommonOptions.Json();
        var simulate = new Command("simulate", "Replay alerts, acknowledgements, runbook actions and resolutions on a fake clock; report timelines, MTTA and MTTR.")
        {
            scenario, postmortem, json,
        };
        simulate.SetAction(parse =>
        {
            var file = parse.GetValue(scenario)!;
            var md = parse.GetValue(postmortem);
            if (md is not null)
            {
                CheckOutputPath(md);
            }

            var s = Load(file);
            var report = Run(s, file.Name, out var incidents);
            if (md is not null)
            {
                WritePostmortem(md, string.Join(Environment.NewLine, incidents.Select(PostmortemWriter.Draft)));
            }

            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                Write(console, report);
            }

            return 0;
        });
        return new Command("incidents", "Incident response: deduplication, escalation, runbook actions, MTTA/MTTR.") { simulate };
    }

    /// <summary>Refuses an output path that cannot be a file before anything runs: a directory, or one in a missing directory.</summary>
    private static void CheckOutputPath(FileInfo md)
    {
        if (Directory.Exists(md.FullName))
        {
            throw new ArgumentException($"--postmortem {md.FullName}: this is a directory; give the Markdown file's name.");
        }

        if (md.Directory is { Exists: false } parent)
        {
            throw new ArgumentException($"--postmortem {md.FullName}: the directory {parent.FullName} does not exist.");
        }
    }

    private static void WritePostmortem(FileInfo md, string text)
    {
        try
        {
            File.WriteAllText(md.FullName, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--postmortem {md.FullName}: cannot write the file ({ex.Message})", ex);
        }
    }

    private static Scenario Load(FileInfo file)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new ArgumentException($"--scenario {file.FullName}: this is a directory, not a scenario file.");
        }

        if (!file.Exists)
        {
            throw new FileNotFoundException($"--scenario {file.FullName}: the file does not exist.", file.FullName);
        }

        try
        {
            return JsonSerializer.Deserialize<Scenario>(File.ReadAllText(file.FullName), ReadOptions) is { Events: not null } s
                ? s
                : throw new InvalidDataException($"{file.Name}: the scenario needs an \"events\" array.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{file.Name}: not a scenario ({ex.Message})", ex);
        }
    }

    private static IncidentsReport Run(Scenario s, string name, out IReadOnlyList<IncidentReport> incidents)
    {
        var time = new FakeTimeProvider(Origin);
        var handlers = (s.Handlers ?? Enum.GetNames<RunbookActionKind>()).Select(h => new ScriptedAction(Kind(h, name, "handlers"))).ToList();
        var options = new IncidentOptions();
        if (s.AckDeadlineSeconds is { } d)
        {
            options.AcknowledgementDeadline = d is >= MinimumDeadlineSeconds and < 1e9
                ? TimeSpan.FromSeconds(d)
                : throw new ArgumentException($"{name}: ackDeadlineSeconds {d.ToString(CultureInfo.InvariantCulture)} must be at least {MinimumDeadlineSeconds.ToString(CultureInfo.InvariantCulture)} (1 ms) and below 1e9.");
        }

        if (s.MaxEscalations is { } m)
        {
            options.MaxEscalations = m is >= 0 and <= IncidentOptions.MaxEscalationsLimit
                ? m
                : throw new ArgumentException($"{name}: maxEscalations {m.ToString(CultureInfo.InvariantCulture)} must be between 0 and {IncidentOptions.MaxEscalationsLimit.ToString(CultureInfo.InvariantCulture)}.");
        }

        using var coordinator = new IncidentCoordinator(options, handlers, time);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < s.Events.Count; i++)
        {
            var at = $"{name}: events[{i.ToString(CultureInfo.InvariantCulture)}]";
            var e = s.Events[i] ?? throw new ArgumentException($"{at}: an event must be an object, not null.");
            var seconds = e.AtSeconds ?? throw new ArgumentException($"{at}: atSeconds is missing; every event needs its time in seconds from the start.");
            if (!(double.IsFinite(seconds) && seconds >= 0 && seconds < 1e9))
            {
                throw new ArgumentException($"{at}: atSeconds {seconds.ToString(CultureInfo.InvariantCulture)} must be at least 0 and below 1e9 (about 31 years).");
            }

            if (Origin.AddSeconds(seconds) < time.GetUtcNow())
            {
                throw new ArgumentException($"{at}: atSeconds {seconds.ToString(CultureInfo.InvariantCulture)} is before the previous event; events must be in time order.");
            }

            if (string.IsNullOrWhiteSpace(e.Fingerprint))
            {
                throw new ArgumentException($"{at}: every event needs a fingerprint.");
            }

            time.SetUtcNow(Origin.AddSeconds(seconds));
            switch (e.Type)
            {
                case "alert":
                    var severity = e.Severity switch { "page" => AlertSeverity.Page, "ticket" => AlertSeverity.Ticket, _ => throw new ArgumentException($"{at}: severity '{e.Severity}' must be page or ticket.") };
                    ids[e.Fingerprint] = coordinator.Raise(new Alert(e.Fingerprint, severity, e.Summary ?? e.Fingerprint));
                    break;
                case "acknowledge":
                    coordinator.Acknowledge(Id(ids, e, at), e.By ?? "on-call");
                    break;
                case "action":
                    var kind = Kind(e.Action, name, $"events[{i.ToString(CultureInfo.InvariantCulture)}].action");
                    handlers.ForEach(h => h.NextSucceeds = e.Succeeds ?? true);
                    coordinator.ExecuteAsync(Id(ids, e, at), kind, e.Target ?? "").GetAwaiter().GetResult();
                    break;
                case "resolve":
                    coordinator.Resolve(Id(ids, e, at), e.Summary ?? "resolved");
                    break;
                default:
                    throw new ArgumentException($"{at}: type '{e.Type}' must be alert, acknowledge, action or resolve.");
            }
        }

        incidents = coordinator.Incidents();
        var metrics = IncidentMetrics.From(incidents.ToList());
        return new IncidentsReport(
            incidents.Select(r => new IncidentJson(r.Id, r.Fingerprint, Camel(r.Severity.ToString()), r.Summary, r.Alerts, r.Escalations, Seconds(r.OpenedAt)!.Value,
                Seconds(r.AcknowledgedAt), Seconds(r.ResolvedAt), r.TimeToAcknowledge?.TotalSeconds, r.TimeToResolve?.TotalSeconds,
                r.Timeline.Select(t => new TimelineJson(Seconds(t.At)!.Value, Camel(t.Kind.ToString()), t.Detail)).ToList())).ToList(),
            metrics.MeanTimeToAcknowledge?.TotalSeconds, metrics.MeanTimeToResolve?.TotalSeconds);
    }

    private static int Id(Dictionary<string, int> ids, ScenarioEvent e, string at)
        => ids.TryGetValue(e.Fingerprint, out var id) ? id : throw new ArgumentException($"{at}: no alert with fingerprint '{e.Fingerprint}' came before this {e.Type}.");

    private static RunbookActionKind Kind(string? text, string name, string field)
        => Enum.TryParse<RunbookActionKind>(text, ignoreCase: true, out var kind) && !int.TryParse(text, out _)
            ? kind
            : throw new ArgumentException($"{name}: {field} '{text}' must be one of {string.Join(", ", Enum.GetNames<RunbookActionKind>().Select(Camel))}.");

    private static double? Seconds(DateTimeOffset? t) => t is { } v ? (v - Origin).TotalSeconds : null;

    private static string Seconds(double? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) + " s" : "n/a";

    private static string Camel(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];

    private static void Write(CliConsole console, IncidentsReport report)
    {
        foreach (var i in report.Incidents)
        {
            console.Ansi.MarkupLine(CultureInfo.InvariantCulture, "[bold]Incident {0}[/] {1} ({2}), {3} alert(s), {4} escalation(s)", i.Id, Markup.Escape(i.Summary), i.Severity, i.Alerts, i.Escalations);
            var table = new Table().AddColumns("t (s)", "event", "detail");
            foreach (var t in i.Timeline)
            {
                table.AddRow(t.AtSeconds.ToString(CultureInfo.InvariantCulture), t.Kind, Markup.Escape(t.Detail));
            }

            console.Ansi.Write(table);
        }

        console.Ansi.MarkupLine(CultureInfo.InvariantCulture, "MTTA {0}, MTTR {1}", Seconds(report.MttaSeconds), Seconds(report.MttrSeconds));
    }

    /// <summary>A handler that succeeds or fails as the scenario's event says.</summary>
    private sealed class ScriptedAction(RunbookActionKind kind) : IRunbookAction
    {
        public bool NextSucceeds { get; set; } = true;

        public RunbookActionKind Kind => kind;

        public Task<RunbookActionOutcome> ExecuteAsync(RunbookActionRequest request, CancellationToken cancellationToken)
            => Task.FromResult(NextSucceeds ? new RunbookActionOutcome(true, "done (scripted)") : new RunbookActionOutcome(false, "failed (scripted)"));
    }
}
