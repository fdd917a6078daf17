namespace CohortKit.Regions.Stores;

/// <summary>The tables of a region store and which columns may be grouped by.</summary>
public static class RegionSchema
{
    /// <summary>The tables holding per-learner rows, each with a <c>learner_id</c> column; erasure deletes from all of them.</summary>
    public static IReadOnlyList<string> LearnerTables { get; } = ["learners", "events", "features", "cohort_memberships", "decisions"];

    /// <summary>The columns of <c>learners</c> an aggregate may be grouped by (none is personal data on its own).</summary>
    public static IReadOnlyList<string> GroupColumns { get; } = ["country", "home_region", "plan", "age_band"];

    /// <summary>The columns of <c>learners</c> that are personal data and may never be grouped by or leave the region.</summary>
    public static IReadOnlyList<string> PersonalColumns { get; } = ["learner_id", "display_name", "email", "registered_at"];

    /// <summary>Checks a grouping column.</summary>
    /// <param name="groupColumn">The column.</param>
    /// <param name="parameterName">The caller's parameter or option name (e.g. <c>--by</c>).</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentException">The column is personal data or not a column of <c>learners</c>.</exception>
    public static string CheckGroupColumn(string groupColumn, string parameterName = "groupColumn")
    {
        ArgumentNullException.ThrowIfNull(groupColumn);
        if (GroupColumns.Contains(groupColumn, StringComparer.Ordinal)) { return groupColumn; }
        throw new ArgumentException(PersonalColumns.Contains(groupColumn, StringComparer.Ordinal)
            ? $"{parameterName} '{groupColumn}' is personal data; group by one of {string.Join(", ", GroupColumns)}."
            : $"{parameterName} '{groupColumn}' is not a column of learners; group by one of {string.Join(", ", GroupColumns)}.", parameterName);
    }

    internal static string Create(string text, string real, string timestamp) => $"""
        CREATE TABLE IF NOT EXISTS learners (learner_id {text} PRIMARY KEY, country {text} NOT NULL, home_region {text} NOT NULL,
          display_name {text} NOT NULL, email {text} NOT NULL, plan {text} NOT NULL, age_band {text} NOT NULL, registered_at {timestamp} NOT NULL);
        CREATE TABLE IF NOT EXISTS events (learner_id {text} NOT NULL, "timestamp" {timestamp} NOT NULL, kind {text} NOT NULL, value {real} NOT NULL);
        CREATE TABLE IF NOT EXISTS features (learner_id {text} NOT NULL, name {text} NOT NULL, value {real} NOT NULL);
        CREATE TABLE IF NOT EXISTS cohort_memberships (learner_id {text} NOT NULL, cohort {text} NOT NULL);
        CREATE TABLE IF NOT EXISTS decisions (learner_id {text} NOT NULL, decision {text} NOT NULL, decided_at {timestamp} NOT NULL);
        CREATE INDEX IF NOT EXISTS events_learner ON events (learner_id);
        CREATE INDEX IF NOT EXISTS features_learner ON features (learner_id);
        CREATE INDEX IF NOT EXISTS cohort_memberships_learner ON cohort_memberships (learner_id);
        CREATE INDEX IF NOT EXISTS decisions_learner ON decisions (learner_id);
        """;

    internal static string TotalsQuery(string groupColumn) => $"""
        SELECT l.learner_id, l.{CheckGroupColumn(groupColumn)}, COALESCE(t.total, 0)
        FROM learners l LEFT JOIN (SELECT learner_id, SUM(value) AS total FROM events WHERE kind = @kind GROUP BY learner_id) t
          ON t.learner_id = l.learner_id
        ORDER BY l.learner_id
        """;
}
