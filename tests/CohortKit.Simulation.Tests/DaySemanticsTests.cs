using CohortKit.Events;

namespace CohortKit.Simulation.Tests;

/// <summary>Issue 17 item 11: day t is the UTC calendar day StartDate + t for the simulator's events, its ground truth
/// (SignupDay, ChurnOnsetDay, ChurnDay) and the learners' signup_date. Checked on every event of the shared platforms.</summary>
[Collection(SimulatedPlatforms.Name)]
public class DaySemanticsTests(SimulationFixture fixture)
{
    public static TheoryData<string> Platforms() => ["Default", "AB"];

    private SimulatedPlatform Platform(string name) => name == "AB" ? fixture.AB : fixture.Default;

    private static int UtcDay(long ticks, long startTicks) => (int)Math.Floor((ticks - startTicks) / (double)TimeSpan.TicksPerDay);

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Events_NeverBeforeSignupNorOnOrAfterTheChurnDayNorOutsideTheWindow(string name)
    {
        var p = Platform(name);
        var start = p.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        int early = 0, late = 0, outside = 0, checkedEvents = 0;
        for (var i = 0; i < p.Learners.Count; i++)
        {
            var signup = p.Learners.SignupDates[i].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
            UtcDay(signup, start).Should().Be(p.Truth.SignupDay[i], "signup_date is the UTC day SignupDay");
            var churn = p.Truth.ChurnDay[i];
            var events = p.Activity.ForLearner(i);
            for (var e = 0; e < events.Count; e++)
            {
                var ts = events.Timestamps[e];
                var day = UtcDay(ts, start);
                checkedEvents++;
                if (ts < signup) { early++; }
                if (churn >= 0 && day >= churn) { late++; }
                if (day < 0 || day >= p.Days) { outside++; }
            }
        }

        checkedEvents.Should().BeGreaterThan(1_000_000);
        (early, late, outside).Should().Be((0, 0, 0), "no event before signup, on or after the churn day, or outside the window");
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Sessions_OfOneLearner_NeverOverlap(string name)
    {
        var p = Platform(name);
        var overlaps = 0;
        var sessions = 0;
        for (var i = 0; i < p.Learners.Count; i++)
        {
            var events = p.Activity.ForLearner(i);
            var previousEnd = long.MinValue;
            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] != LearnerEventKind.Session) { continue; }
                sessions++;
                if (events.Timestamps[e] < previousEnd) { overlaps++; }

                // The duration as a CSV reader in double precision sees it: the float's shortest decimal, parsed as double.
                var written = double.Parse(events.Values[e].ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
                previousEnd = events.Timestamps[e] + (long)Math.Ceiling(Math.Max(events.Values[e], written) * TimeSpan.TicksPerMinute);
            }
        }

        sessions.Should().BeGreaterThan(500_000);
        overlaps.Should().Be(0);
    }

    [Fact]
    public void LessonsAndAssessments_FallOnTheUtcDayOfTheirSessions()
    {
        var p = fixture.Default;
        var start = p.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var strays = 0;
        for (var i = 0; i < p.Learners.Count; i++)
        {
            var events = p.Activity.ForLearner(i);
            var sessionDays = new HashSet<int>();
            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] == LearnerEventKind.Session) { sessionDays.Add(UtcDay(events.Timestamps[e], start)); }
            }

            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] != LearnerEventKind.Session && !sessionDays.Contains(UtcDay(events.Timestamps[e], start))) { strays++; }
            }
        }

        strays.Should().Be(0);
    }
}
