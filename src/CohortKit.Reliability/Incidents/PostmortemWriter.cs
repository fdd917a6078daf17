using System.Globalization;
using System.Text;

namespace CohortKit.Reliability.Incidents;

/// <summary>Drafts a blameless postmortem in Markdown from an incident's timeline: summary, response times, timeline table and
/// actions; the sections a human must write (root cause, lessons) are left as headed prompts.</summary>
public static class PostmortemWriter
{
    /// <summary>Writes the draft.</summary>
    /// <param name="incident">The incident.</param>
    /// <returns>Markdown.</returns>
    public static string Draft(IncidentReport incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Postmortem (draft): incident {incident.Id}, {incident.Summary}");
        md.AppendLine();
        md.AppendLine("## Summary");
        md.AppendLine();
        md.AppendLine(c, $"- Fingerprint: `{incident.Fingerprint}`; final severity: {incident.Severity}; alerts folded in: {incident.Alerts}; escalations: {incident.Escalations}.");
        md.AppendLine(c, $"- Opened {Stamp(incident.OpenedAt)}; acknowledged {(incident.AcknowledgedAt is { } a ? Stamp(a) : "never")}; resolved {(incident.ResolvedAt is { } r ? Stamp(r) : "not yet")}.");
        md.AppendLine(c, $"- Time to acknowledge: {Span(incident.TimeToAcknowledge)}; time to resolve: {Span(incident.TimeToResolve)}.");
        md.AppendLine();
        md.AppendLine("## Timeline (UTC)");
        md.AppendLine();
        md.AppendLine("| time | +since opened | event | detail |");
        md.AppendLine("|---|---|---|---|");
        foreach (var e in incident.Timeline)
        {
            md.AppendLine(c, $"| {Stamp(e.At)} | {Span(e.At - incident.OpenedAt)} | {e.Kind} | {e.Detail.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        var actions = incident.Timeline.Where(e => e.Kind is TimelineEntryKind.ActionSucceeded or TimelineEntryKind.ActionFailed).ToList();
        md.AppendLine();
        md.AppendLine("## Runbook actions");
        md.AppendLine();
        if (actions.Count == 0)
        {
            md.AppendLine("None were run.");
        }

        foreach (var e in actions)
        {
            md.AppendLine(c, $"- {(e.Kind == TimelineEntryKind.ActionSucceeded ? "succeeded" : "FAILED")}: {e.Detail}");
        }

        md.AppendLine();
        md.AppendLine("## Root cause");
        md.AppendLine();
        md.AppendLine("_To be written by the responders._");
        md.AppendLine();
        md.AppendLine("## What went well, what to improve, follow-up items");
        md.AppendLine();
        md.AppendLine(incident.Escalations > 0
            ? "_The acknowledgement deadline was missed; review the on-call path._"
            : "_To be written by the responders._");
        return md.ToString();
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Hours (any number), minutes and seconds: 26:05:00 for a day and 2 hours 5 minutes.</summary>
    private static string Span(TimeSpan? t) => t is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)s.TotalHours:00}:{s.Minutes:00}:{s.Seconds:00}")
        : "n/a";
}
