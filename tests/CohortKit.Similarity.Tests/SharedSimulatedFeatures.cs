namespace CohortKit.Similarity.Tests;

/// <summary>The classes that share one <see cref="SimulatedFeatures"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedSimulatedFeatures : ICollectionFixture<SimulatedFeatures>
{
    public const string Name = "Simulated features";
}
