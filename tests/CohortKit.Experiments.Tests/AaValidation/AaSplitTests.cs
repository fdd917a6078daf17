using CohortKit.Experiments.Hypothesis;
using CohortKit.Events;
using CohortKit.Experiments.AaValidation;
using CohortKit.Learners;
using CohortKit.Simulation;
using MathNet.Numerics.Distributions;

namespace CohortKit.Experiments.Tests.AaValidation;

public class AaSplitTests
{
    [Fact]
    public void AnalyzeSplit_SimulatedAaPlatform_ConfirmsNoDifference_AndAnAbPlatformIsCaught()
    {
        static CohortKit.Experiments.Readout.ExperimentData Data(SimulatedPlatform p)
        {
            var s = LearnerActivitySummary.Compute(p.Activity);
            return new CohortKit.Experiments.Readout.ExperimentData(p.Learners["arm"], p.Learners["arm"].Categories[0],
                [new(new MetricColumn("minutes", s.Minutes)), new(new MetricColumn("sessions", s.Sessions)), new(new MetricColumn("lessons", s.Lessons))]);
        }

        var aa = new PlatformSimulator(new SimulationOptions { Learners = 20_000, Days = 30, Seed = 21, Experiment = Simulation.Experiments.ExperimentDesign.AA() }).Generate();
        var validator = new AaTestValidator(new AaValidationOptions());
        validator.AnalyzeSplit(Data(aa)).NoDifference.Should().BeTrue();
        var ab = new PlatformSimulator(new SimulationOptions
        {
            Learners = 20_000, Days = 30, Seed = 21,
            Experiment = new Simulation.Experiments.ExperimentDesign { Effects = [new("treatment", Simulation.Experiments.SimulatedMetric.Lessons, 0.2)] },
        }).Generate();
        var split = validator.AnalyzeSplit(Data(ab));
        split.NoDifference.Should().BeFalse();
        split.Readout.Metrics.Single(m => m.Metric == "lessons").AdjustedPValue.Should().BeLessThan(0.001);
    }
}
