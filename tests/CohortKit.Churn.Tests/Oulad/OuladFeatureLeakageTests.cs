using CohortKit.Churn.Oulad;
using CohortKit.Datasets.Oulad;
using CohortKit.Events;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Oulad;

/// <summary>No leakage in the OULAD features: features as of day D are unchanged when every click and every submission dated
/// after D is deleted (issue 11's correctness criterion, extended to clicks by activity type and assessments).</summary>
public sealed class OuladFeatureLeakageTests(OuladChurnFixture fixture) : IClassFixture<OuladChurnFixture>
{
    [DataFact("oulad_studentvle_parquet")]
    public void Build_EverythingAfterTheAsOfDayDeleted_FeaturesUnchanged()
    {
        var data = fixture.Data;
        var history = OuladStudentHistory.From(data.Registrations);
        foreach (var day in new[] { 13, 90 }) // two days keep CI short; 0, 30 and 200 passed too when the test was written
        {
            var truncated = Truncate(data, day);
            truncated.Activity.Log.EventCount.Should().BeLessThan(data.Activity.Log.EventCount, "the deletion must remove something");
            foreach (var presentation in data.Registrations.Presentation.Categories)
            {
                // One presentation at a time, so that "after D" is one calendar date for the other registrations too.
                var samples = Enumerable.Range(0, data.Registrations.Count).Where(r => data.Registrations.Presentation[r] == presentation)
                    .Select(r => new OuladSample(r, day, false)).ToList();
                var now = OuladRegistrations.StartDate(presentation).DayNumber + day;
                var full = new OuladFeatureBuilder(data, history).Build(samples);
                var cut = new OuladFeatureBuilder(truncated, Truncate(history, OuladRegistrations.StartDate(presentation).DayNumber, now)).Build(samples);
                full.FeatureNames.Should().Equal(cut.FeatureNames);
                full.AsSpan().SequenceEqual(cut.AsSpan()).Should().BeTrue($"features of {presentation} as of day {day} must not read later data");

                // Later data does change the features of a later day (otherwise the comparison proves nothing).
                var later = samples.Select(s => s with { Day = day + 7 }).ToList();
                new OuladFeatureBuilder(data, history).Build(later).AsSpan().SequenceEqual(new OuladFeatureBuilder(truncated, history).Build(later).AsSpan()).Should().BeFalse();
            }
        }
    }

    /// <summary>Pooled training rows (<see cref="OuladChurnStudy.PoolDays"/>): a registration's rows as of D − 7, D and D + 7 are
    /// built together (the clicks read once, up to the latest day), yet each row must equal the row built alone as of its own day,
    /// so that the day-D and D − 7 rows read nothing of the later days.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Build_PooledDaysOfOneRegistration_EachRowEqualsItsDayBuiltAlone()
    {
        var data = fixture.Data;
        var builder = new OuladFeatureBuilder(data);
        var presentation = data.Registrations.Presentation.Categories.First(p => p.StartsWith("2013", StringComparison.Ordinal));
        int[] rows = [.. Enumerable.Range(0, data.Registrations.Count).Where(r => data.Registrations.Presentation[r] == presentation)];
        int[] days = [6, 13, 20];
        var pooled = builder.Build([.. rows.SelectMany(r => days.Select(d => new OuladSample(r, d, false)))]);
        for (var k = 0; k < days.Length; k++)
        {
            var alone = builder.Build([.. rows.Select(r => new OuladSample(r, days[k], false))]);
            for (var i = 0; i < rows.Length; i++)
            {
                pooled.Row(i * days.Length + k).SequenceEqual(alone.Row(i)).Should().BeTrue($"registration row {rows[i]} as of day {days[k]}");
            }
        }
    }

    /// <summary>The other registrations as known at calendar day <paramref name="now"/> of a presentation starting on
    /// <paramref name="start"/>: unregistrations after now removed, results of presentations not ended by the start reversed.</summary>
    private static OuladStudentHistory Truncate(OuladStudentHistory history, int start, int now) => history with
    {
        Unregistered = [.. history.Unregistered.Select(u => u <= now ? u : null)],
        Result = [.. history.Result.Select((r, i) => history.End[i] <= start ? r : r == OuladFinalResult.Withdrawn ? OuladFinalResult.Pass : OuladFinalResult.Withdrawn)],
    };

    /// <summary>The data with every click after day D and every submission after day D removed.</summary>
    private static OuladChurnData Truncate(OuladChurnData data, int day)
    {
        var registrations = data.Registrations;
        var log = data.Activity.Log;
        var offsets = new int[registrations.Count + 1];
        var times = new List<long>();
        var values = new List<float>();
        var types = new List<int>();
        for (var r = 0; r < registrations.Count; r++)
        {
            var start = OuladRegistrations.StartDate(registrations.Presentation[r]).DayNumber;
            for (var e = log.Offsets[r]; e < log.Offsets[r + 1]; e++)
            {
                if (log.Timestamps[e] / TimeSpan.TicksPerDay - start > day) { continue; }
                times.Add(log.Timestamps[e]);
                values.Add(log.Values[e]);
                types.Add(data.Activity.ActivityTypes.Codes[e]);
            }

            offsets[r + 1] = times.Count;
        }

        var a = data.Assessments;
        var kept = new List<int>();
        var submissionOffsets = new int[registrations.Count + 1];
        for (var r = 0; r < registrations.Count; r++)
        {
            for (var s = a.SubmissionOffsets.Span[r]; s < a.SubmissionOffsets.Span[r + 1]; s++)
            {
                if (a.SubmittedDays.Span[s] <= day) { kept.Add(s); }
            }

            submissionOffsets[r + 1] = kept.Count;
        }

        return data with
        {
            Activity = data.Activity with
            {
                Log = new ActivityLog(offsets, [.. times], new LearnerEventKind[times.Count], [.. values]),
                ActivityTypes = new(data.Activity.ActivityTypes.Name, [.. data.Activity.ActivityTypes.Categories], [.. types]),
            },
            Assessments = a with
            {
                SubmissionOffsets = submissionOffsets,
                SubmittedDays = kept.Select(s => a.SubmittedDays.Span[s]).ToArray(),
                Scores = kept.Select(s => a.Scores[s]).ToArray(),
                SubmissionAssessments = kept.Select(s => a.SubmissionAssessments.Span[s]).ToArray(),
                Banked = kept.Select(s => a.Banked.Span[s]).ToArray(),
            },
        };
    }
}
