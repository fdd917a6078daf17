using System.Text;
using CohortKit.Csv;
using CohortKit.Errors;
using CohortKit.Events;
using CohortKit.Learners;

namespace CohortKit.Core.Tests.Csv;

public sealed class CsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private const string Learners = "learner_id,signup_date,plan,region\n1,2026-01-02,free,EU\n2,2026-01-03,pro,Asia\n3,2025-12-31,free,EU\n";

    [Fact]
    public void Events_BeforeSignup_RefusedWithTheirLineOnlyWhenAsked()
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        // Learner 2 signed up on 2026-01-03: its first event (line 3) is at midnight that day, the second (line 4) a second before.
        var path = Write("events.csv", "learner_id,timestamp,kind,value\n1,2026-01-02T00:00:00Z,session,5\n2,2026-01-03T00:00:00Z,session,5\n2,2026-01-02T23:59:59Z,session,5\n");
        ActivityCsv.Load(path, learners).EventCount.Should().Be(3, "without the flag the loader does not compare with signup");
        var act = () => ActivityCsv.Load(path, learners, rejectEventsBeforeSignup: true);
        act.Should().Throw<CsvFormatException>().Which.Message.Should()
            .Be("events.csv line 4, column 'timestamp', value '2026-01-02T23:59:59Z': The event is before learner 2's signup_date 2026-01-03.");
    }

    [Fact]
    public void Learners_Load_ReadsIdsDatesAndCategoricals()
    {
        var t = LearnerCsv.Load(Write("learners.csv", Learners));
        t.Count.Should().Be(3);
        t.Ids.ToArray().Should().Equal(new LearnerId(1), new LearnerId(2), new LearnerId(3));
        t.SignupDates[2].Should().Be(new DateOnly(2025, 12, 31));
        t["plan"].Categories.Should().Equal("free", "pro");
        t["region"][1].Should().Be("Asia");
    }

    [Fact]
    public void Learners_RoundTrip_PreservesEverything_IncludingQuotedValues()
    {
        var ids = new[] { new LearnerId(10), new LearnerId(-3), new LearnerId(long.MaxValue) };
        var dates = new[] { new DateOnly(2024, 2, 29), new DateOnly(1999, 12, 31), new DateOnly(2026, 1, 1) };
        var cols = new[]
        {
            CategoricalColumn.Encode("note", ["plain", "has,comma", "has \"quote\""]),
            CategoricalColumn.Encode("locale", ["de-DE", "ja-JP", "de-DE"]),
        };
        var path = Path.Combine(_dir, "rt.csv");
        LearnerCsv.Save(path, new LearnerAttributes(ids, dates, cols));
        var back = LearnerCsv.Load(path);
        back.Ids.ToArray().Should().Equal(ids);
        back.SignupDates.ToArray().Should().Equal(dates);
        back["note"][1].Should().Be("has,comma");
        back["note"][2].Should().Be("has \"quote\"");
        back["locale"].Codes.ToArray().Should().Equal(0, 1, 0);
    }

    [Fact]
    public void Events_RoundTrip_PreservesEveryEvent()
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var rng = new Random(5);
        var n = 5000;
        var rows = Enumerable.Range(0, n).Select(_ => rng.Next(3)).ToArray();
        var ts = Enumerable.Range(0, n).Select(_ => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(rng.Next(1_000_000)).Ticks).ToArray();
        var kinds = Enumerable.Range(0, n).Select(_ => (LearnerEventKind)rng.Next(3)).ToArray();
        var values = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 100)).ToArray();
        var log = ActivityLog.FromUnsorted(3, rows, ts, kinds, values);
        var path = Path.Combine(_dir, "events.csv");
        ActivityCsv.Save(path, log, learners);
        var back = ActivityCsv.Load(path, learners);
        back.Offsets.ToArray().Should().Equal(log.Offsets.ToArray());
        back.Timestamps.ToArray().Should().Equal(log.Timestamps.ToArray());
        back.Kinds.ToArray().Should().Equal(log.Kinds.ToArray());
        back.Values.ToArray().Should().Equal(log.Values.ToArray());
    }

    [Fact]
    public void Events_RoundTrip_KeepsSubSecondTimestamps()
    {
        // The simulator lays sessions out at tick precision (a session starts where the previous one ended), so the
        // writer must not truncate to whole seconds: a file read back (by this library or by pandas) would otherwise
        // move starts up to a second earlier and make back-to-back sessions overlap.
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var whole = new DateTime(2026, 1, 31, 8, 15, 42, DateTimeKind.Utc).Ticks;
        long[] ts = [whole, whole + 1_234_567, whole + 5_000_000, whole + 9_999_999, whole + 1];
        var log = ActivityLog.FromUnsorted(3, [0, 0, 0, 0, 1], ts, [LearnerEventKind.Session, LearnerEventKind.Session, LearnerEventKind.Lesson, LearnerEventKind.Session, LearnerEventKind.Session], [1f, 2f, 3f, 4f, 5f]);
        var path = Path.Combine(_dir, "subsecond.csv");
        ActivityCsv.Save(path, log, learners);

        File.ReadAllText(path).Should().Be(
            "learner_id,timestamp,kind,value\n" +
            "1,2026-01-31T08:15:42Z,session,1\n" +
            "1,2026-01-31T08:15:42.1234567Z,session,2\n" +
            "1,2026-01-31T08:15:42.5Z,lesson,3\n" +
            "1,2026-01-31T08:15:42.9999999Z,session,4\n" +
            "2,2026-01-31T08:15:42.0000001Z,session,5\n");
        ActivityCsv.Load(path, learners).Timestamps.ToArray().Should().Equal(ts);
    }

    [Fact]
    public void Load_AFolder_ThrowsFileNotFoundSayingItIsAFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "learners.csv")).FullName;
        var act = () => LearnerCsv.Load(folder);
        act.Should().Throw<FileNotFoundException>().WithMessage($"'{folder}' is a folder, not a file.");
    }

    [Fact]
    public void Events_Load_AcceptsCrlfBomQuotesOffsetsAnyCaseAndAnyOrder()
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var path = Write("events.csv", "\uFEFFvalue,kind,timestamp,learner_id,extra\r\n"
            + "12.5,SESSION,2026-01-05T10:00:00Z,2,x\r\n"
            + "\"3\",lesson,2026-01-05T09:00:00+02:00,2,\"y,z\"\r\n"
            + "88,Assessment,2026-01-04 08:00:00Z,1,\r\n");
        var log = ActivityCsv.Load(path, learners);
        log.EventCount.Should().Be(3);
        var l2 = log.ForLearner(1);
        l2.Timestamps[0].Should().Be(new DateTime(2026, 1, 5, 7, 0, 0, DateTimeKind.Utc).Ticks);
        l2.Kinds.ToArray().Should().Equal(LearnerEventKind.Lesson, LearnerEventKind.Session);
        log.ForLearner(0).Values[0].Should().Be(88);
    }

    public static TheoryData<string, string, string, long, string?, string?> BadEvents() => new()
    {
        { "missing column", "learner_id,timestamp,kind\n1,2026-01-01T00:00:00Z,session\n", "Required column 'value' is missing", 1, "value", null },
        { "unparsable number", "learner_id,timestamp,kind,value\n1,2026-01-01T00:00:00Z,session,12\n1,2026-01-01T01:00:00Z,session,1O.5\n", "not a finite number", 3, "value", "1O.5" },
        { "unparsable date", "learner_id,timestamp,kind,value\n1,2026-13-01T00:00:00Z,session,12\n", "ISO 8601", 2, "timestamp", "2026-13-01T00:00:00Z" },
        { "unknown learner", "learner_id,timestamp,kind,value\n1,2026-01-01T00:00:00Z,session,12\n99,2026-01-01T00:00:00Z,session,1\n", "No learner has this id", 3, "learner_id", "99" },
        { "negative duration", "learner_id,timestamp,kind,value\n2,2026-01-01T00:00:00Z,session,-4\n", "duration cannot be negative", 2, "value", "-4" },
        { "bad kind", "learner_id,timestamp,kind,value\n2,2026-01-01T00:00:00Z,video,4\n", "session, lesson or assessment", 2, "kind", "video" },
        { "score above 100", "learner_id,timestamp,kind,value\n2,2026-01-01T00:00:00Z,assessment,104\n", "0–100", 2, "value", "104" },
        { "NaN value", "learner_id,timestamp,kind,value\n2,2026-01-01T00:00:00Z,session,NaN\n", "finite", 2, "value", "NaN" },
        { "field count", "learner_id,timestamp,kind,value\n2,2026-01-01T00:00:00Z,session\n", "3 fields", 2, null, null },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public void Events_BadInput_ThrowsNamingFileLineColumnAndValue(string scenario, string content, string problem, long line, string? column, string? value)
    {
        _ = scenario;
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var act = () => ActivityCsv.Load(Write("events.csv", content), learners);
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.FileName.Should().Be("events.csv");
        ex.Line.Should().Be(line);
        ex.Column.Should().Be(column);
        ex.Value.Should().Be(value);
        ex.Message.Should().Contain(problem).And.StartWith($"events.csv line {line}");
    }

    public static TheoryData<string, string, long, string?> BadLearners() => new()
    {
        { "learner_id,plan\n1,free\n", "signup_date", 1, null },
        { "learner_id,signup_date\n1,2026-01-01\nx7,2026-01-01\n", "learner_id", 3, "x7" },
        { "learner_id,signup_date\n1,01/02/2026\n", "signup_date", 2, "01/02/2026" },
        { "learner_id,signup_date\n1,2026-01-01\n2,2026-01-01\n1,2026-01-02\n", "learner_id", 4, "1" },
    };

    [Theory]
    [MemberData(nameof(BadLearners))]
    public void Learners_BadInput_ThrowsNamingLineColumnAndValue(string content, string column, long line, string? value)
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", content));
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.Column.Should().Be(column);
        ex.Line.Should().Be(line);
        ex.Value.Should().Be(value);
    }

    [Fact]
    public void Learners_DuplicateId_SaysWhereItWasFirstSeen()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date\n1,2026-01-01\n2,2026-01-01\n1,2026-01-02\n"));
        act.Should().Throw<CsvFormatException>().WithMessage("*Duplicate learner id (first seen on line 2)*");
    }

    [Fact]
    public void Load_UnclosedQuote_Throws()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date,plan\n1,2026-01-01,\"free\n"));
        act.Should().Throw<CsvFormatException>().WithMessage("*line 2*not closed*");
    }

    [Fact]
    public void Load_LinesLongerThanTheReadBuffer_AreHandled()
    {
        var longValue = new string('a', 3 << 20);
        var t = LearnerCsv.Load(Write("learners.csv", $"learner_id,signup_date,note\n1,2026-01-01,{longValue}\n2,2026-01-01,b\n"));
        t["note"][0].Length.Should().Be(longValue.Length);
        t["note"][1].Should().Be("b");
    }
}
