using CohortKit.Events;
using CohortKit.Metrics;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Model;

namespace CohortKit.Simulation.Tests;

[Collection(SimulatedPlatforms.Name)]
public class GroundTruthTests(SimulationFixture fixture)
{
    // Binomial tolerance: 4.5 standard errors (two-sided false-alarm probability about 7e-6 per check).
    private static void ShareShouldMatch(int hits, int n, double p, string what)
    {
        var se = Math.Sqrt(p * (1 - p) / n);
        ((double)hits / n).Should().BeApproximately(p, 4.5 * se, what);
    }

    [Theory]
    [InlineData("plan", "free", 0.70)]
    [InlineData("plan", "team", 0.05)]
    [InlineData("domain", "programming", 0.30)]
    [InlineData("experience", "advanced", 0.15)]
    [InlineData("region", "EU", 0.35)]
    [InlineData("device", "mobile", 0.40)]
    [InlineData("channel", "partner", 0.05)]
    [InlineData("age_band", "55+", 0.08)]
    public void Attributes_ReproduceConfiguredShares(string attribute, string category, double share)
    {
        var column = fixture.Default.Learners[attribute];
        column.TryGetCode(category, out var code).Should().BeTrue();
        var hits = 0;
        foreach (var c in column.Codes) { if (c == code) { hits++; } }
        ShareShouldMatch(hits, column.Count, share, $"{attribute}={category}");
    }

    [Fact]
    public void Attributes_CountryWithinRegion_AndLocaleShare_MatchTheModel()
    {
        var l = fixture.Default.Learners;
        int us = 0, americas = 0, english = 0, nonUsEnglishCandidates = 0;
        for (var i = 0; i < l.Count; i++)
        {
            if (l["region"][i] == "Americas") { americas++; if (l["country"][i] == "US") { us++; } }
            if (l["country"][i] is "DE" or "FR" or "JP") { nonUsEnglishCandidates++; if (l["locale"][i] == "en-US") { english++; } }
            l["region"][i].Should().Be(PlatformModel.Countries.Single(c => c.Code == l["country"][i]).Region);
        }

        ShareShouldMatch(us, americas, 0.60, "US within Americas");
        ShareShouldMatch(english, nonUsEnglishCandidates, PlatformModel.EnglishLocaleShare, "en-US locale outside English-speaking countries");
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
    public void Experiment_ArmSplit_MatchesWeights()
    {
        var t = fixture.AB.Truth;
        t.ArmNames.Should().Equal("control", "treatment");
        ShareShouldMatch(t.Arm.Count(a => a == 0), t.Arm.Count, 0.4, "control share");
    }

    [Theory]
    [InlineData(null, SimulationFixture.OverallMinutesEffect)]
    [InlineData("programming", SimulationFixture.ProgrammingMinutesEffect)]
    [InlineData("data", SimulationFixture.OverallMinutesEffect)]
    public void Experiment_MinutesEffect_IsReproducedOverallAndPerSegment(string? domain, double trueEffect)
    {
        var p = fixture.AB;
        var arms = new[] { MetricSummary.Empty, MetricSummary.Empty };
        for (var i = 0; i < p.Learners.Count; i++)
        {
            if (domain is not null && p.Learners["domain"][i] != domain) { continue; }
            if (domain is null && p.Learners["domain"][i] == "programming") { continue; }
            var events = p.Activity.ForLearner(i);
            var learner = MetricSummary.Empty;
            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] == LearnerEventKind.Session) { learner = learner.Add(events.Values[e]); }
            }

            if (learner.Count > 0) { arms[p.Truth.Arm[i]] = arms[p.Truth.Arm[i]].Add(learner.Mean); }
            p.Truth.EffectFor(i, SimulatedMetric.Minutes).Should().Be(p.Truth.Arm[i] == 0 ? 0 : domain == "programming" ? SimulationFixture.ProgrammingMinutesEffect : SimulationFixture.OverallMinutesEffect);
        }

        // Ratio of arm means of per-learner mean minutes, with a delta-method standard error over learners.
        var ratio = arms[1].Mean / arms[0].Mean;
        var se = ratio * Math.Sqrt(Math.Pow(arms[1].StandardError / arms[1].Mean, 2) + Math.Pow(arms[0].StandardError / arms[0].Mean, 2));
        ratio.Should().BeApproximately(1 + trueEffect, 4.5 * se);
    }

    [Fact]
    public void Experiment_CohortUnit_AssignsWholeCohorts()
    {
        var p = new PlatformSimulator(new SimulationOptions
        {
            Learners = 2_010,
            Days = 10,
            Experiment = new ExperimentDesign { Unit = RandomizationUnit.Cohort, CohortSize = 20 },
        }).Generate();
        var byCohort = Enumerable.Range(0, p.Learners.Count).GroupBy(i => p.Truth.Cohort[i]).ToList();
        byCohort.Should().HaveCount(101);
        byCohort.Count(g => g.Count() == 20).Should().Be(100);
        byCohort.Should().OnlyContain(g => g.Select(i => p.Truth.Arm[i]).Distinct().Count() == 1);
        p.Learners["cohort"].Categories.Should().HaveCount(101);
        p.Learners["arm"].Categories.Should().Equal("control", "treatment");
    }

    [Fact]
    public void AA_Design_HasNoEffectAndBalancedArms()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 20_000, Days = 30, Seed = 3, Experiment = ExperimentDesign.AA() }).Generate();
        var arms = new[] { MetricSummary.Empty, MetricSummary.Empty };
        for (var i = 0; i < p.Learners.Count; i++)
        {
            arms[p.Truth.Arm[i]] = arms[p.Truth.Arm[i]].Add(p.Activity.ForLearner(i).Count);
            for (var m = 0; m < 5; m++) { p.Truth.EffectFor(i, (SimulatedMetric)m).Should().Be(0); }
        }

        ShareShouldMatch((int)arms[0].Count, p.Learners.Count, 0.5, "A1 share");
        var se = Math.Sqrt(arms[0].Variance / arms[0].Count + arms[1].Variance / arms[1].Count);
        (arms[1].Mean - arms[0].Mean).Should().BeApproximately(0, 4.5 * se);
    }

    [Fact]
    public void Personas_ArePlantedGroupsWithDistinctSkillCentres()
    {
        var t = fixture.Default.Truth;
        var k = t.LatentSkills.Dimensions;
        var centres = Enumerable.Range(0, 8).Select(g => new double[k]).ToArray();
        var counts = new int[8];
        for (var i = 0; i < t.Persona.Count; i++)
        {
            counts[t.Persona[i]]++;
            var row = t.LatentSkills.Row(i);
            for (var d = 0; d < k; d++) { centres[t.Persona[i]][d] += row[d]; }
        }

        counts.Should().OnlyContain(c => c > 4000);
        // Within-persona spread is 0.5 per dimension; centres are N(0,1) draws, so distinct centres sit far apart.
        var within = 0.0;
        for (var i = 0; i < t.Persona.Count; i++)
        {
            var row = t.LatentSkills.Row(i);
            for (var d = 0; d < k; d++) { within += Math.Pow(row[d] - centres[t.Persona[i]][d] / counts[t.Persona[i]], 2); }
        }

        (within / t.Persona.Count / k).Should().BeApproximately(0.25, 0.01);
    }
}
