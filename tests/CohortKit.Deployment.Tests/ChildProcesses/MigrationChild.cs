using System.Globalization;
using CohortKit.Deployment.Migrations;
using CohortKit.Deployment.Tests.Migrations;

namespace CohortKit.Deployment.Tests.ChildProcesses;

/// <summary>
/// A migration runner in its own process: expands <see cref="MigrationControllerTests.AddBand"/> on the SQLite database of
/// <c>--connection</c> and backfills it in batches of <see cref="BatchSize"/>; once <c>--block-after-batches</c> batches have
/// committed it writes <c>backfill batch N</c> to <c>--marker</c> and blocks, holding the lock row, until it is killed.
/// </summary>
internal static class MigrationChild
{
    public const string Mode = "migration";
    public const int BatchSize = 300;

    public static string[] Arguments(string connectionString, string marker, int blockAfterBatches, TimeSpan lease) =>
    [
        Mode, "--connection", connectionString, "--marker", marker,
        "--block-after-batches", blockAfterBatches.ToString(CultureInfo.InvariantCulture),
        "--lease-seconds", lease.TotalSeconds.ToString(CultureInfo.InvariantCulture),
    ];

    public static async Task RunAsync(ChildArguments args)
    {
        var sqlite = new SqliteMigrationStore(args["connection"], lease: TimeSpan.FromSeconds(double.Parse(args["lease-seconds"], CultureInfo.InvariantCulture)));
        var blockAfter = int.Parse(args["block-after-batches"], CultureInfo.InvariantCulture);
        var store = new AfterBatchStore(sqlite, batches =>
        {
            if (batches == blockAfter)
            {
                StepMarker.ReachAndBlock(args["marker"], $"backfill batch {batches}");
            }
        });
        var controller = new MigrationController(new MigrationOptions { BatchSize = BatchSize, BatchDelay = TimeSpan.Zero }, store);
        var migration = MigrationControllerTests.AddBand();
        await controller.ExpandAsync(migration, [1]);
        await controller.BackfillAsync(migration);
        StepMarker.Reach(args["marker"], "finished");
    }
}
