using CohortKit.Events;

namespace CohortKit.Simulation.Tests;

/// <summary>The simulator's churn and persona ground truth, checked against what its events show.</summary>
[Collection(SimulatedPlatforms.Name)]
public class GroundTruthTests(SimulationFixture fixture)
{
    [Fact]
    public void PublicResults_ExposeReadOnlyViewsOnly()
    {
        typeof(SimulationGroundTruth).GetProperties().Should().NotContain(p => p.PropertyType.IsArray || p.PropertyType == typeof(Features.FeatureMatrix),
            "a caller must not be able to change the ground truth in place");
    }

    [Fact]
    public void Churn_OnsetCount_MatchesConfiguredHazardAndAttributeMultipliers()
    {
        // With the engagement dependence switched off the hazard is base × multiplier(attributes), so the expected
        // number of onsets is Σ over learners of hazard × days at risk. The multipliers below are the documented table,
        // written out here independently of the simulator's code.
        const double baseHazard = 0.006;
        var p = new PlatformSimulator(new SimulationOptions { Learners = 30_000, Days = 90, Seed = 11, BaseDailyChurnHazard = baseHazard, ChurnEngagementSensitivity = 0 }).Generate();
        double expected = 0;
        var observed = 0;
        var l = p.Learners;
        for (var i = 0; i < l.Count; i++)
        {
            var m = l["plan"][i] switch { "pro" => 0.6, "team" => 0.5, _ => 1.0 }
                  * l["experience"][i] switch { "beginner" => 1.25, "advanced" => 0.8, _ => 1.0 }
                  * l["channel"][i] switch { "paid_search" => 1.3, "social" => 1.1, _ => 1.0 };
            p.Truth.ChurnHazardMultiplier[i].Should().BeApproximately((float)m, 1e-6f);
            var start = Math.Max(0, p.Truth.SignupDay[i]);
            var onset = p.Truth.ChurnOnsetDay[i];
            var daysAtRisk = onset >= 0 ? onset - start + 1 : p.Days - start;
            expected += baseHazard * m * daysAtRisk;
            if (onset >= 0) { observed++; }
        }

        // Onsets are a sum of independent Bernoulli trials; their variance is below the mean.
        observed.Should().BeCloseTo((int)expected, (uint)(4.5 * Math.Sqrt(expected)));
    }

    [Fact]
    public void Churn_HazardRisesWhenRecentEngagementIsLow()
    {
        var t = fixture.Default.Truth;
        var rows = Enumerable.Range(0, t.BaseEngagement.Count).OrderBy(i => t.BaseEngagement[i]).ToArray();
        var quarter = rows.Length / 4;
        double Rate(IEnumerable<int> r) => r.Average(i => t.ChurnOnsetDay[i] >= 0 ? 1.0 : 0.0);
        var low = Rate(rows.Take(quarter));
        var high = Rate(rows.Skip(3 * quarter));
        low.Should().BeGreaterThan(1.5 * high);
    }

    [Fact]
    public void Churn_IsPrecededByA7To14DayDeclineAndFollowedBySilence()
    {
        var p = fixture.Default;
        var start = p.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        double before = 0, during = 0;
        var churners = 0;
        for (var i = 0; i < p.Learners.Count; i++)
        {
            var onset = p.Truth.ChurnOnsetDay[i];
            var churn = p.Truth.ChurnDay[i];
            if (onset < 0) { continue; }
            (churn - onset).Should().BeInRange(7, 14);
            var events = p.Activity.ForLearner(i);
            var activeDays = new HashSet<int>();
            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] != LearnerEventKind.Session) { continue; }
                // Days are UTC days (docs/simulation.md).
                var day = (int)Math.Floor((events.Timestamps[e] - start) / (double)TimeSpan.TicksPerDay);
                activeDays.Add(day);
                day.Should().BeLessThan(churn, "no activity on or after the churn day");
            }

            var firstDay = Math.Max(0, p.Truth.SignupDay[i]);
            if (onset - 14 < firstDay || churn > p.Days) { continue; }
            churners++;
            before += Enumerable.Range(onset - 14, 14).Count(activeDays.Contains) / 14.0;
            during += Enumerable.Range(churn - 7, 7).Count(activeDays.Contains) / 7.0;
        }

        churners.Should().BeGreaterThan(500);
        (during / churners).Should().BeLessThan(0.5 * (before / churners), "the last week before churn is far quieter than the fortnight before onset");
    }

    [Fact]
    public void Personas_ArePlantedGroupsWithDistinctSkillCentres()
    {
        var t = fixture.Default.Truth;
        var k = t.SkillDimensions;
        var centres = Enumerable.Range(0, 8).Select(g => new double[k]).ToArray();
        var counts = new int[8];
        for (var i = 0; i < t.Persona.Count; i++)
        {
            counts[t.Persona[i]]++;
            var row = t.LatentSkillsOf(i);
            for (var d = 0; d < k; d++) { centres[t.Persona[i]][d] += row[d]; }
        }

        counts.Should().OnlyContain(c => c > 4000);
        // Within-persona spread is 0.5 per dimension; centres are N(0,1) draws, so distinct centres sit far apart.
        var within = 0.0;
        for (var i = 0; i < t.Persona.Count; i++)
        {
            var row = t.LatentSkillsOf(i);
            for (var d = 0; d < k; d++) { within += Math.Pow(row[d] - centres[t.Persona[i]][d] / counts[t.Persona[i]], 2); }
        }

        (within / t.Persona.Count / k).Should().BeApproximately(0.25, 0.01);
    }
}
