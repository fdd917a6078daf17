namespace CohortKit.Simulation.Tests;

/// <summary>The collection sharing one <see cref="SimulationFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SimulatedPlatforms : ICollectionFixture<SimulationFixture>
{
    public const string Name = "simulated platforms";
}
