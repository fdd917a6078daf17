using CohortKit.Simulation.Experiments;

namespace CohortKit.Simulation.Tests;

/// <summary>Every invalid option is refused by the constructor, naming the option.</summary>
public class SimulationOptionsValidatorTests
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
    public void Constructor_SeveralInvalidOptions_ListsEveryOne()
    {
        var o = new SimulationOptions { Learners = 0, Days = 0, MeanEngagement = 2 };

        var act = () => new PlatformSimulator(o);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should()
            .Contain("Learners:").And.Contain("Days:").And.Contain("MeanEngagement:");
    }

    [Fact]
    public void Simulator_ChangingTheOptionsAfterConstruction_ChangesNothing()
    {
        var o = new SimulationOptions { Learners = 200, Days = 5, Seed = 3, Experiment = new ExperimentDesign() };
        var simulator = new PlatformSimulator(o);

        o.Learners = 0;
        o.Experiment.Arms.Clear();
        simulator.Options.Learners = -1;
        var platform = simulator.Generate();

        platform.Learners.Count.Should().Be(200);
        platform.Learners.TryGetColumn("arm", out var arm).Should().BeTrue();
        arm!.Categories.Should().BeEquivalentTo(["control", "treatment"]);
    }
}
