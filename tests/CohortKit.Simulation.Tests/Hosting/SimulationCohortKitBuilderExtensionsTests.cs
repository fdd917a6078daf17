using CohortKit.Hosting;
using CohortKit.Simulation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Simulation.Tests.Hosting;

/// <summary>AddSimulation: validation at start, idempotence, configuration binding.</summary>
public class SimulationCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddSimulation_InvalidOptions_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddSimulation(o => o.Learners = 0).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<PlatformSimulator>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*Learners*");
    }

    [Fact]
    public void AddSimulation_Twice_AddsNothingNew_AndResolves()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimulation(o => o.Learners = 50);
        var count = services.Count;
        services.AddCohortKit().AddSimulation();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<PlatformSimulator>().Generate().Learners.Count.Should().Be(50);
    }

    [Fact]
    public void AddSimulation_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Learners"] = "77", ["Days"] = "5", ["Seed"] = "3" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddSimulation(config).Services.BuildServiceProvider();
        var p = sp.GetRequiredService<PlatformSimulator>().Generate();
        p.Learners.Count.Should().Be(77);
        p.Days.Should().Be(5);
    }
}
