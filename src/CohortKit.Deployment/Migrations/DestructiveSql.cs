using System.Text.RegularExpressions;

namespace CohortKit.Deployment.Migrations;

/// <summary>Finds what would make an expand statement unsafe for the app version still running: anything that drops, renames,
/// truncates, deletes or rewrites existing data, changes a column's type, or adds a NOT NULL constraint the old writers do not
/// satisfy. String literals, quoted identifiers, dollar-quoted bodies and comments are blanked first, so a trigger body or a
/// literal cannot hide or fake a keyword; statement-level keywords (UPDATE, DELETE) count only where a statement starts.</summary>
/// <remarks>A guard against mistakes, not a SQL parser: it is conservative (it refuses, e.g., any DROP, even of an object the
/// expand itself made) and errs towards refusing.</remarks>
internal static partial class DestructiveSql
{
    private static readonly (Regex Pattern, string Reason)[] Rules =
    [
        (DropRegex(), "drops an object"),
        (TruncateRegex(), "truncates a table"),
        (RenameRegex(), "renames an object"),
        (AlterTypeRegex(), "changes a column's type"),
        (SetNotNullRegex(), "adds NOT NULL to an existing column"),
        (StatementDmlRegex(), "changes existing rows (that belongs to the backfill)"),
    ];

    /// <summary>Returns why <paramref name="statement"/> is destructive, or <see langword="null"/>.</summary>
    public static string? Find(string statement)
    {
        var code = Blank(statement);
        foreach (Match add in AddClauseRegex().Matches(code))
        {
            var clause = add.Groups["clause"].Value;
            if (NotNullRegex().IsMatch(clause) && !DefaultRegex().IsMatch(clause))
            {
                return "adds a NOT NULL column without a DEFAULT, which the old version's inserts cannot satisfy";
            }
        }

        foreach (var (pattern, reason) in Rules)
        {
            if (pattern.IsMatch(code))
            {
                return reason;
            }
        }

        return null;
    }

    /// <summary>Replaces comments, string literals, quoted identifiers and dollar-quoted bodies with spaces.</summary>
    internal static string Blank(string sql) => BlankRegex().Replace(sql, m => new string(' ', m.Length));

    [GeneratedRegex(@"\$(?<tag>[A-Za-z_]*)\$.*?\$\k<tag>\$|--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|""(?:[^""]|"""")*""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex BlankRegex();

    [GeneratedRegex(@"\bDROP\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DropRegex();

    [GeneratedRegex(@"\bTRUNCATE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TruncateRegex();

    [GeneratedRegex(@"\bRENAME\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RenameRegex();

    // ALTER [COLUMN] c [SET DATA] TYPE: COLUMN is optional in PostgreSQL (an independent review applied "ALTER TABLE t ALTER a
    // TYPE bigint" through the old pattern, which required it). ALTER TABLE itself is not a column.
    [GeneratedRegex(@"\bALTER\s+(?:COLUMN\s+)?(?!TABLE\b)[^\s;,]*\s*(?:SET\s+DATA\s+)?TYPE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AlterTypeRegex();

    [GeneratedRegex(@"\bALTER\s+(?:COLUMN\s+)?(?!TABLE\b)[^\s;,]*\s*SET\s+NOT\s+NULL\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetNotNullRegex();

    // One ADD clause: up to the next comma outside parentheses (numeric(10,2) stays whole), or the end.
    [GeneratedRegex(@"\bADD\s+(?:COLUMN\s+)?(?<clause>(?:\([^)]*\)|[^,;(])*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddClauseRegex();

    [GeneratedRegex(@"\bNOT\s+NULL\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotNullRegex();

    [GeneratedRegex(@"\bDEFAULT\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DefaultRegex();

    // DML at the start of any statement of the string (after a ';' too: "ADD COLUMN c int; DELETE FROM t" passed when only
    // the string's start was checked), or as a data-modifying CTE: "WITH x AS (DELETE FROM t RETURNING id) SELECT ...".
    [GeneratedRegex(@"(?:^|;)\s*(?:UPDATE|DELETE|MERGE)\b|\bAS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\(\s*(?:UPDATE|DELETE|MERGE|INSERT)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StatementDmlRegex();
}
