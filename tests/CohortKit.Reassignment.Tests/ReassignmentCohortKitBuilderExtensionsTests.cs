using CohortKit.Hosting;
using CohortKit.Reassignment.Hosting;
using CohortKit.Similarity.Hosting;
using CohortKit.Temporal.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Reassignment.Tests;

/// <summary>AddReassignment: the scheduler resolves with Similarity's former behind it, validates on start, adds nothing twice.</summary>
public class ReassignmentCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddReassignment_ResolvesTheSchedulerWithTheAdapter_AndTwiceAddsNothing()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity().AddReassignment(o => o.Simulations = 3);
        var count = services.Count;
        services.AddCohortKit().AddReassignment();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ICohortReformer>().Should().BeOfType<SimilarityCohortReformer>();
        sp.GetRequiredService<ReassignmentScheduler>().Options.Simulations.Should().Be(3);
    }

    [Fact]
    public void AddReassignment_InvalidOptions_FailAtStart_AndTheConstructorNamesTheOption()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddSimilarity().AddReassignment(o => o.HorizonWeeks = 4).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<ReassignmentScheduler>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*HorizonWeeks*");
        var direct = () => new ReassignmentScheduler(new ReassignmentOptions { MoveCost = double.NaN }, sp.GetRequiredService<ICohortReformer>());
        direct.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("MoveCost");
    }

    [Fact]
    public void AddReassignment_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MoveCost"] = "0.25" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddSimilarity().AddReassignment(config).Services.BuildServiceProvider();
        sp.GetRequiredService<ReassignmentScheduler>().Options.MoveCost.Should().Be(0.25);
    }
}
