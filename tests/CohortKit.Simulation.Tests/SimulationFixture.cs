using CohortKit.Simulation.Experiments;

namespace CohortKit.Simulation.Tests;

/// <summary>Platforms shared by the statistical tests (generated once per test run, seeded).</summary>
public sealed class SimulationFixture
{
    public const double OverallMinutesEffect = 0.10;
    public const double ProgrammingMinutesEffect = 0.30;

    public SimulationFixture()
    {
        Default = new PlatformSimulator(new SimulationOptions { Learners = 40_000, Days = 90, Seed = 2026 }).Generate();
        AB = new PlatformSimulator(new SimulationOptions
        {
            Learners = 40_000,
            Days = 60,
            Seed = 7,
            Experiment = new ExperimentDesign
            {
                Arms = [new("control", 0.4), new("treatment", 0.6)],
                Effects =
                [
                    new("treatment", SimulatedMetric.Minutes, OverallMinutesEffect),
                    new("treatment", SimulatedMetric.Minutes, ProgrammingMinutesEffect, "domain", "programming"),
                ],
            },
        }).Generate();
    }

    public SimulatedPlatform Default { get; }

    public SimulatedPlatform AB { get; }
}
