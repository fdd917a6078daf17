namespace CohortKit.Simulation.Tests;

/// <summary>Issue 17 item 10: a run that cannot fit is refused before anything is generated, with the estimate.</summary>
public class SizeEstimateTests
{
    [Fact]
    public void Generate_FarTooLarge_ThrowsSimulationTooLargeBeforeGenerating()
    {
        var simulator = new PlatformSimulator(new SimulationOptions { Learners = 2_000_000_000, Days = 3650, Seed = 1 });
        var act = () => simulator.Generate();
        var ex = act.Should().Throw<SimulationTooLargeException>().Which;
        (ex.Learners, ex.Days).Should().Be((2_000_000_000, 3650));
        ex.EstimatedEvents.Should().BeGreaterThan(ex.MaximumEvents);
        ex.MaximumEvents.Should().BeLessThanOrEqualTo(Array.MaxLength);
        ex.Message.Should().Contain("2,000,000,000 × 3,650").And.Contain("fewer learners or days");
    }
}
