using System.Text;
using CohortKit.Csv;
using CohortKit.Errors;
using CohortKit.Learners;
using CohortKit.Tables;

namespace CohortKit.Core.Tests.Csv;

/// <summary>Issue 17 items 3–9: the CSV dialect of docs/core.md (strict UTF-8, LF/CRLF/CR line ends, RFC 4180 quotes that may
/// span lines, exact ISO 8601 timestamps, a required final line end, a line-length cap) and errors that locate the problem.</summary>
public sealed class CsvDialectTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string name, string content) => Write(name, new UTF8Encoding(false).GetBytes(content));

    private const string Learners = "learner_id,signup_date,plan\n1,2026-01-02,free\n2,2026-01-03,pro\n";

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Load_AnyLineEnd_ReadsEveryRow(string lineEnd)
    {
        var t = LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date,plan" + lineEnd + "1,2026-01-02,free" + lineEnd + "2,2026-01-03,pro" + lineEnd));
        t.Count.Should().Be(2);
        t["plan"][1].Should().Be("pro");
    }

    [Fact]
    public void Load_LoneCrLineEnds_ReportErrorsOnTheRightLine()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date\r1,2026-01-02\r\r2,2026-02-30\r"));
        act.Should().Throw<CsvFormatException>().Which.Line.Should().Be(4);
    }

    [Fact]
    public void Load_Latin1Bytes_RefusedNamingLineAndColumnInsteadOfMergingCategories()
    {
        // Zürich, Zärich, Málaga, Mölaga in Latin-1: with U+FFFD replacement they would collapse into two categories.
        var latin1 = Encoding.Latin1.GetBytes("learner_id,signup_date,city\n1,2026-01-02,Z\u00fcrich\n2,2026-01-02,Z\u00e4rich\n3,2026-01-02,M\u00e1laga\n4,2026-01-02,M\u00f6laga\n");
        var act = () => LearnerCsv.Load(Write("learners.csv", latin1));
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.Line.Should().Be(2);
        ex.Column.Should().Be("city");
        ex.Message.Should().Contain("not valid UTF-8").And.Contain("0xFC");
    }

    [Fact]
    public void CsvTable_InvalidUtf8_Refused()
    {
        var act = () => CsvTable.Load(Write("m.csv", [.. "a,b\n1,"u8, 0xE9, (byte)'\n']));
        act.Should().Throw<CsvFormatException>().Which.Column.Should().Be("b");
    }

    [Fact]
    public void RoundTrip_CategoriesWithLineBreaksAndQuotes_ReadBackEqual()
    {
        var values = new[] { "two\nlines", "crlf\r\ninside", "lone\rcr", "say \"hi\",\nthen go", "plain" };
        var ids = values.Select((_, i) => new LearnerId(i + 1)).ToArray();
        var dates = values.Select(_ => new DateOnly(2026, 1, 1)).ToArray();
        var path = Path.Combine(_dir, "rt.csv");
        LearnerCsv.Save(path, new LearnerAttributes(ids, dates, [CategoricalColumn.Encode("note", values)]));
        var back = LearnerCsv.Load(path);
        Enumerable.Range(0, values.Length).Select(i => back["note"][i]).Should().Equal(values);
    }

    [Fact]
    public void Load_AfterAMultiLineQuotedField_LineNumbersCountPhysicalLines()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date,note\n1,2026-01-02,\"a\nb\nc\"\n2,bad,x\n"));
        act.Should().Throw<CsvFormatException>().Which.Line.Should().Be(5);
    }

    [Fact]
    public void Load_UnclosedQuoteSpanningLines_NamesTheColumnAndStartLine()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date,note\n1,2026-01-02,ok\n2,2026-01-02,\"open\nstill open\n"));
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.Line.Should().Be(3);
        ex.Column.Should().Be("note");
    }

    [Theory]
    [InlineData("learner_id,signup_date,plan\n1,2026-01-02,free\n2,2026-01-03,pr")]
    [InlineData("learner_id,signup_date,plan\n1,2026-01-02,free\n2,2026-01-0")]
    [InlineData("learner_id,signup_date,plan\n1,2026-01-02,free\n2,\"2026-01-03\"")]
    public void Load_LastLineWithoutLineEnd_RefusedAsCutShort(string content)
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", content));
        act.Should().Throw<CsvFormatException>().WithMessage("*no line end*cut short*").Which.Line.Should().Be(3);
    }

    [Theory]
    [InlineData("id,x\n1,a\n2,\"b c\"", "b c")]
    [InlineData("id,x\r\n1,a\r\n2,b", "b")]
    [InlineData("id,x\n1,a\n2,b\n", "b")]
    public void CsvTableLoad_FinalLineEndNotRequired_ReadsTheLastLine_ButTheDefaultStillRefusesIt(string content, string last)
    {
        var path = Write("external.csv", content);
        var table = CsvTable.Load(path, requireFinalLineEnd: false);
        table.RowCount.Should().Be(2);
        var x = table.Categorical("x");
        new[] { x[0], x[1] }.Should().Equal("a", last);
        if (!content.EndsWith('\n'))
        {
            var strict = () => CsvTable.Load(path);
            strict.Should().Throw<CsvFormatException>().WithMessage("*cut short*");
        }
    }

    [Fact]
    public void Events_CutInsideAValue_Refused()
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var act = () => ActivityCsv.Load(Write("events.csv", "learner_id,timestamp,kind,value\n1,2026-01-05T10:00:00Z,session,38.72036\n1,2026-01-05T11:00:00Z,session,38"), learners);
        act.Should().Throw<CsvFormatException>().WithMessage("*cut short*");
    }

    [Fact]
    public void Reader_LineLongerThanTheCap_RefusedWithItsLineNumber()
    {
        var bytes = Encoding.ASCII.GetBytes("a,b\n1,2\n" + new string('x', 5000));
        using var reader = new CsvRecordReader(new MemoryStream(bytes), "big.csv", ownsStream: true, maxRecordBytes: 4096);
        reader.Read().Should().BeTrue();
        reader.Read().Should().BeTrue();
        var act = () => reader.Read();
        act.Should().Throw<CsvFormatException>().WithMessage("*longer than*").Which.Line.Should().Be(3);
    }

    [Fact]
    public void Reader_DefaultCap_Is16MiB() => CsvRecordReader.DefaultMaxRecordBytes.Should().Be(16 << 20);

    public static TheoryData<string, long> AcceptedTimestamps() => new()
    {
        { "2026-01-05T10:00:00Z", new DateTime(2026, 1, 5, 10, 0, 0).Ticks },
        { "2026-01-05 10:00:00Z", new DateTime(2026, 1, 5, 10, 0, 0).Ticks },
        { "2026-01-05T10:00:00", new DateTime(2026, 1, 5, 10, 0, 0).Ticks },
        { "2026-01-05T10:00:00.5Z", new DateTime(2026, 1, 5, 10, 0, 0).Ticks + 5_000_000 },
        { "2026-01-05T10:00:00.123456789Z", new DateTime(2026, 1, 5, 10, 0, 0).Ticks + 1_234_567 },
        { "2026-01-05T10:00:00+02:00", new DateTime(2026, 1, 5, 8, 0, 0).Ticks },
        { "2026-01-05T10:00:00-0530", new DateTime(2026, 1, 5, 15, 30, 0).Ticks },
        { "2026-01-05T01:00:00+03", new DateTime(2026, 1, 4, 22, 0, 0).Ticks },
        { "2024-02-29T23:59:59Z", new DateTime(2024, 2, 29, 23, 59, 59).Ticks },
    };

    [Theory]
    [MemberData(nameof(AcceptedTimestamps))]
    public void Timestamp_AcceptedIsoForms_ParseToUtcTicks(string text, long ticks)
    {
        IsoTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out var parsed, out _).Should().Be(IsoTimestamp.Status.Ok);
        parsed.Should().Be(ticks);
    }

    [Theory]
    [InlineData("10:00")]
    [InlineData("01/02/2026")]
    [InlineData("Jan 5 2026")]
    [InlineData("2026-01-05")]
    [InlineData("2026-01-05T10:00")]
    [InlineData(" 2026-01-05T10:00:00Z")]
    [InlineData("2026-01-05T10:00:00Z ")]
    [InlineData("2026-01-05T10:00:00.Z")]
    [InlineData("2026-01-05T10:00:00+2")]
    [InlineData("2026-1-5T10:00:00Z")]
    [InlineData("2026-01-05t10:00:00z")]
    public void Events_NonIsoTimestamp_RefusedWithItsLocation(string text)
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var act = () => ActivityCsv.Load(Write("events.csv", $"learner_id,timestamp,kind,value\n1,{text},session,5\n"), learners);
        var ex = act.Should().Throw<CsvFormatException>().Which;
        (ex.Line, ex.Column, ex.Value).Should().Be((2L, "timestamp", text));
        ex.Message.Should().Contain("not an ISO 8601 timestamp");
    }

    [Theory]
    [InlineData("2026-02-30T10:00:00Z", "has no day 30")]
    [InlineData("2026-01-05T24:00:00Z", "hour 24")]
    [InlineData("2026-01-05T10:00:60Z", "second 60")]
    [InlineData("2026-01-05T10:00:00+15:00", "offset")]
    [InlineData("0001-01-01T00:30:00+01:00", "outside years")]
    public void Events_OutOfRangeTimestamp_SaysOutOfRangeNotNotIso(string text, string reason)
    {
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var act = () => ActivityCsv.Load(Write("events.csv", $"learner_id,timestamp,kind,value\n1,{text},session,5\n"), learners);
        act.Should().Throw<CsvFormatException>().Which.Message.Should().Contain("out of range").And.Contain(reason).And.NotContain("not an ISO");
    }

    [Fact]
    public void Header_TrailingComma_NamesTheEmptyColumn()
    {
        var act = () => LearnerCsv.Load(Write("learners.csv", "learner_id,signup_date,plan,\n1,2026-01-02,free,\n"));
        act.Should().Throw<CsvFormatException>().WithMessage("learners.csv line 1: Column 4 of the header has no name (a trailing comma?)*");
    }

    [Fact]
    public void CsvTable_UnknownCategoricalColumn_ThrowsCsvFormatExceptionNamingIt()
    {
        var table = CsvTable.Load(Write("m.csv", "a,b\n1,x\n"));
        var act = () => table.Categorical("segment");
        act.Should().Throw<CsvFormatException>().Which.Column.Should().Be("segment");
    }

    [Fact]
    public void BadValue_OfFiveMegabytes_IsCutInTheMessage()
    {
        var huge = new string('9', 5_000_000) + "x";
        var learners = LearnerCsv.Load(Write("learners.csv", Learners));
        var act = () => ActivityCsv.Load(Write("events.csv", $"learner_id,timestamp,kind,value\n1,2026-01-05T10:00:00Z,session,{huge}\n"), learners);
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.Message.Length.Should().BeLessThan(500);
        ex.Message.Should().Contain("5,000,001 characters").And.Contain("column 'value'");
        ex.Value.Should().HaveLength(huge.Length);
    }
}
