using CohortKit.Errors;

namespace CohortKit.Deployment.Migrations;

/// <summary>Why the migration controller refused to run a phase.</summary>
public enum MigrationRefusal
{
    /// <summary>The expand phase contains a destructive statement.</summary>
    DestructiveExpand,

    /// <summary>A later version is already in the history, or an earlier one is not yet contracted.</summary>
    OutOfOrder,

    /// <summary>The history holds a different checksum for this version: the migration was edited after it ran.</summary>
    ChecksumMismatch,

    /// <summary>The phase's predecessor has not run (e.g. contract before the backfill).</summary>
    PhaseOrder,

    /// <summary>A running app version is not supported by the schema the phase would leave.</summary>
    UnsupportedAppVersion,

    /// <summary>Another runner holds the migration lock.</summary>
    Locked,
}

/// <summary>Thrown when the controller refuses a phase; nothing of the phase has been applied.</summary>
public sealed class MigrationRefusedException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="version">The migration's version.</param>
    /// <param name="phase">The phase refused.</param>
    /// <param name="reason">Why.</param>
    /// <param name="message">The reason for a person.</param>
    public MigrationRefusedException(long version, MigrationPhase phase, MigrationRefusal reason, string message)
        : base($"Migration {version} {phase.ToString().ToLowerInvariant()} refused: {message}")
    {
        Version = version;
        Phase = phase;
        Reason = reason;
    }

    /// <summary>Gets the migration's version.</summary>
    public long Version { get; }

    /// <summary>Gets the phase refused.</summary>
    public MigrationPhase Phase { get; }

    /// <summary>Gets why.</summary>
    public MigrationRefusal Reason { get; }
}
