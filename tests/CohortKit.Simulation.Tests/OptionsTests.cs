using CohortKit.Hosting;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Simulation.Tests;

public class OptionsTests
{
    public static TheoryData<string, Action<SimulationOptions>> Invalid() => new()
    {
        { "Learners", o => o.Learners = 0 },
        { "Learners", o => o.Learners = -5 },
        { "Days", o => o.Days = 0 },
        { "BaseDailyChurnHazard", o => o.BaseDailyChurnHazard = 1.5 },
        { "NewLearnerShare", o => o.NewLearnerShare = -0.1 },
        { "AssessmentRate", o => o.AssessmentRate = double.NaN },
        { "MeanEngagement", o => o.MeanEngagement = 1 },
        { "ChurnLeadDaysMax", o => { o.ChurnLeadDaysMin = 10; o.ChurnLeadDaysMax = 5; } },
        { "Experiment.Arms", o => o.Experiment = new ExperimentDesign { Arms = [new("only", 1)] } },
        { "Experiment.Effects", o => o.Experiment = new ExperimentDesign { Effects = [new("nope", SimulatedMetric.Minutes, 0.1)] } },
        { "Experiment.Effects", o => o.Experiment = new ExperimentDesign { Effects = [new("treatment", SimulatedMetric.Minutes, 0.1, "domain", "cooking")] } },
        { "Experiment.Effects", o => o.Experiment = new ExperimentDesign { Effects = [new("treatment", SimulatedMetric.Lessons, -1)] } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Constructor_OptionOutOfRange_ThrowsNamingTheOption(string option, Action<SimulationOptions> configure)
    {
        var o = new SimulationOptions();
        configure(o);
        var act = () => new PlatformSimulator(o);
        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be(option);
    }

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
