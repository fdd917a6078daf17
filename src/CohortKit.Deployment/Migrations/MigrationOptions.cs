namespace CohortKit.Deployment.Migrations;

/// <summary>Options of the <see cref="MigrationController"/>.</summary>
public sealed class MigrationOptions
{
    /// <summary>Gets or sets how many keys one backfill batch covers (one short transaction each).</summary>
    /// <value>The default value is 10,000.</value>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Gets or sets the pause between backfill batches, which leaves room for the application's own writes (the throttle).</summary>
    /// <value>The default value is 5 milliseconds.</value>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Gets or sets how long an expand or contract statement may wait for a table lock before its phase fails and
    /// rolls back (PostgreSQL <c>lock_timeout</c>), so a migration never queues the application's writes behind it for long.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many passes over the key range the backfill makes before it gives up on rows that stay pending.</summary>
    /// <value>The default value is 5.</value>
    public int MaxBackfillPasses { get; set; } = 5;
}
