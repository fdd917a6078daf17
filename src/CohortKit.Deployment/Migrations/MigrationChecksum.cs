using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CohortKit.Deployment.Migrations;

/// <summary>The checksum of a migration: SHA-256 over a canonical text of every field, each statement length-prefixed so that
/// moving text between statements changes it. Line endings are normalised to \n so a checkout on Windows gives the same sum.</summary>
internal static class MigrationChecksum
{
    public static string Compute(Migration m)
    {
        var text = new StringBuilder();
        Append(text, m.Version.ToString(CultureInfo.InvariantCulture));
        Append(text, m.Name);
        Append(text, m.ExpandedSupports.ToString());
        Append(text, m.ContractedSupports.ToString());
        AppendAll(text, "expand", m.Expand);
        if (m.Backfill is { } b)
        {
            AppendAll(text, "backfill", [b.Table, b.KeyColumn, b.Assignments, b.PendingPredicate]);
        }

        AppendAll(text, "contract", m.Contract);
        AppendAll(text, "rollback-expand", m.RollbackExpand);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void AppendAll(StringBuilder text, string section, IReadOnlyList<string> statements)
    {
        Append(text, section);
        Append(text, statements.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var s in statements)
        {
            Append(text, s);
        }
    }

    private static void Append(StringBuilder text, string value)
    {
        var normalised = value.ReplaceLineEndings("\n");
        text.Append(normalised.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(normalised).Append('\n');
    }
}
