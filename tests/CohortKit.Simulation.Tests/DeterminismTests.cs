namespace CohortKit.Simulation.Tests;

public class DeterminismTests
{
    private static SimulatedPlatform Run(long seed, int threads) => new PlatformSimulator(new SimulationOptions
    {
        Learners = 3_000,
        Days = 45,
        Seed = seed,
        MaxDegreeOfParallelism = threads,
        Experiment = new Simulation.Experiments.ExperimentDesign { Unit = Simulation.Experiments.RandomizationUnit.Cohort, CohortSize = 20 },
    }).Generate();

    [Fact]
    public void Generate_SameSeed_GivesIdenticalPlatforms_WhateverTheThreadCount()
    {
        var a = Run(99, 1);
        var b = Run(99, 2);
        a.Activity.Offsets.ToArray().Should().Equal(b.Activity.Offsets.ToArray());
        a.Activity.Timestamps.ToArray().Should().Equal(b.Activity.Timestamps.ToArray());
        a.Activity.Kinds.ToArray().Should().Equal(b.Activity.Kinds.ToArray());
        a.Activity.Values.ToArray().Should().Equal(b.Activity.Values.ToArray());
        a.Learners.SignupDates.ToArray().Should().Equal(b.Learners.SignupDates.ToArray());
        foreach (var column in a.Learners.Columns)
        {
            column.Codes.ToArray().Should().Equal(b.Learners[column.Name].Codes.ToArray(), column.Name);
        }

        a.Truth.ChurnDay.Should().Equal(b.Truth.ChurnDay);
        a.Truth.Persona.Should().Equal(b.Truth.Persona);
        a.Truth.Arm.Should().Equal(b.Truth.Arm);
        a.Truth.LatentSkills.ToArray().Should().Equal(b.Truth.LatentSkills.ToArray());
    }

    [Fact]
    public void Generate_DifferentSeed_GivesDifferentPlatforms()
    {
        var a = Run(1, 2);
        var b = Run(2, 2);
        a.Learners["plan"].Codes.ToArray().Should().NotEqual(b.Learners["plan"].Codes.ToArray());
        a.Activity.EventCount.Should().NotBe(b.Activity.EventCount);
    }

    [Fact]
    public void Generate_EventsAreSortedAndValid()
    {
        var p = Run(5, 2);
        var start = p.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        for (var l = 0; l < p.Learners.Count; l++)
        {
            var events = p.Activity.ForLearner(l);
            var firstLocalDay = Math.Max(0, p.Truth.SignupDay[l]);
            for (var e = 0; e < events.Count; e++)
            {
                var day = (new DateTime(events.Timestamps[e], DateTimeKind.Utc) - start).TotalDays;
                day.Should().BeGreaterThan(firstLocalDay - 1).And.BeLessThan(p.Days + 1);
                if (events.Kinds[e] == Events.LearnerEventKind.Assessment)
                {
                    events.Values[e].Should().BeInRange(0, 100);
                }
            }
        }
    }
}
