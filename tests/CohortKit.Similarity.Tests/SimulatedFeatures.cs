using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests;

/// <summary>A 100,000-learner simulated platform and its features, built once and shared by the classes of
/// <see cref="SharedSimulatedFeatures"/>.</summary>
public sealed class SimulatedFeatures
{
    public SimulatedFeatures()
    {
        Platform = new PlatformSimulator(new SimulationOptions { Learners = 100_000, Days = 90, Seed = 31 }).Generate();
        Features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days);
        Ids = Platform.Learners.Ids.ToArray();
    }

    public SimulatedPlatform Platform { get; }

    public FeatureMatrix Features { get; }

    public LearnerId[] Ids { get; }
}
