namespace CohortKit.Cli.Tests.Deployment;

/// <summary>The deploy drills run after the other test classes of the assembly, not beside them: their load skews the live canary.</summary>
[CollectionDefinition(nameof(DeployDrillsRunAlone), DisableParallelization = true)]
public sealed class DeployDrillsRunAlone;
