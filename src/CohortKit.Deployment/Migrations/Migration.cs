using System.Text.RegularExpressions;

namespace CohortKit.Deployment.Migrations;

/// <summary>The three phases of an online migration, in the order they run.</summary>
public enum MigrationPhase
{
    /// <summary>Additive schema changes both the old and the new app version survive (new nullable columns, tables, triggers that keep new columns filled).</summary>
    Expand,

    /// <summary>The batched, throttled backfill that fills what expand added for the rows that existed before it.</summary>
    Migrate,

    /// <summary>Destructive clean-up once only app versions that need the new schema are running (drop old columns and triggers, add constraints).</summary>
    Contract,
}

/// <summary>The SQL dialects the built-in stores speak.</summary>
public enum SqlDialect
{
    /// <summary>PostgreSQL (transactional DDL, advisory locks).</summary>
    Postgres,

    /// <summary>SQLite (transactional DDL, a lock row for the single runner).</summary>
    Sqlite,
}

/// <summary>An inclusive range of app versions, e.g. 1..2.</summary>
/// <param name="Min">The lowest version supported.</param>
/// <param name="Max">The highest version supported.</param>
public readonly record struct AppVersionRange(int Min, int Max)
{
    /// <summary>Whether <paramref name="version"/> is in the range.</summary>
    /// <param name="version">An app version.</param>
    /// <returns><see langword="true"/> when Min ≤ version ≤ Max.</returns>
    public bool Contains(int version) => version >= Min && version <= Max;

    /// <inheritdoc />
    public override string ToString() => $"{Min}..{Max}";
}

/// <summary>The backfill of a migration: <c>UPDATE Table SET Assignments WHERE KeyColumn in (lo, hi] AND (PendingPredicate)</c>,
/// batch by batch over the key range, until no row satisfies <see cref="PendingPredicate"/>.</summary>
public sealed record BackfillStep
{
    private static readonly Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>Gets the table to fill (a plain identifier).</summary>
    public required string Table { get; init; }

    /// <summary>Gets the integer key column the batches walk (a plain identifier).</summary>
    public required string KeyColumn { get; init; }

    /// <summary>Gets the SET list, e.g. <c>score_band = CAST(floor(score / 10) AS smallint)</c>.</summary>
    public required string Assignments { get; init; }

    /// <summary>Gets the predicate of rows still to fill, e.g. <c>score_band IS NULL</c>.</summary>
    public required string PendingPredicate { get; init; }

    internal void Validate(string paramName)
    {
        if (!Identifier.IsMatch(Table)) { throw new ArgumentException($"Backfill table '{Table}' is not a plain identifier.", paramName); }
        if (!Identifier.IsMatch(KeyColumn)) { throw new ArgumentException($"Backfill key column '{KeyColumn}' is not a plain identifier.", paramName); }
        if (string.IsNullOrWhiteSpace(Assignments)) { throw new ArgumentException("Backfill assignments are empty.", paramName); }
        if (string.IsNullOrWhiteSpace(PendingPredicate)) { throw new ArgumentException("Backfill pending predicate is empty.", paramName); }
    }
}

/// <summary>One versioned online migration: an additive expand, an optional backfill, a contract, and the app versions each
/// schema state supports. Its checksum covers every field, so an edited migration is refused once any phase has run.</summary>
/// <remarks>The SQL is written for one <see cref="SqlDialect"/>; a migration meant for both stores is written twice.</remarks>
public sealed record Migration
{
    /// <summary>Gets the version (positive; migrations apply in increasing version order).</summary>
    public required long Version { get; init; }

    /// <summary>Gets a short name for the history.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the app versions that work against the expanded (not yet contracted) schema, e.g. N..N+1.</summary>
    public required AppVersionRange ExpandedSupports { get; init; }

    /// <summary>Gets the app versions that work once contracted, e.g. N+1..N+1. Contract is refused while any other version runs.</summary>
    public required AppVersionRange ContractedSupports { get; init; }

    /// <summary>Gets the expand statements: additive only (refused if destructive), run in one transaction.</summary>
    public required IReadOnlyList<string> Expand { get; init; }

    /// <summary>Gets the backfill, or <see langword="null"/> when expand needs none.</summary>
    public BackfillStep? Backfill { get; init; }

    /// <summary>Gets the contract statements, run in one transaction.</summary>
    public required IReadOnlyList<string> Contract { get; init; }

    /// <summary>Gets the statements that undo <see cref="Expand"/> (run by <see cref="MigrationController.RollbackExpandAsync"/>).</summary>
    public IReadOnlyList<string> RollbackExpand { get; init; } = [];

    /// <summary>Gets the SHA-256 checksum (lower-case hex) of every field.</summary>
    public string Checksum => MigrationChecksum.Compute(this);
}
