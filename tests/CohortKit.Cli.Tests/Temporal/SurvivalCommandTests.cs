using System.Globalization;
using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Temporal;

/// <summary><c>cohortkit survival</c>: the JSON contract, R's numbers through the CLI, and one line for every bad input.</summary>
public sealed class SurvivalCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-survival-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private string ReferenceCase()
    {
        var c = SharedData.Cases("temporal/kaplan_meier.json").First();
        var t = c.Doubles("time");
        var e = c.Doubles("event");
        var g = c.Doubles("group");
        return Write("subjects.csv", ["days,left,arm", .. t.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"{x},{e[i]},{(g[i] == 1 ? "b" : "a")}"))]);
    }

    [Fact]
    public void Json_FollowsTheContract_AndReproducesR()
    {
        var (code, stdout, stderr) = CliRunner.Run("survival", "--input", ReferenceCase(), "--time", "days", "--event", "left", "--group", "arm", "--at", "5,10", "--json");
        code.Should().Be(0, stderr);
        var expected = SharedData.Cases("temporal/kaplan_meier.json").First().GetProperty("expected");
        using var doc = JsonDocument.Parse(stdout);
        var curves = doc.RootElement.GetProperty("curves").EnumerateArray().ToList();
        curves.Select(c => c.GetProperty("group").GetString()).Should().Equal("all", "b", "a");
        var all = curves[0];
        all.GetProperty("n").GetInt32().Should().Be(12);
        all.GetProperty("events").GetInt32().Should().Be(4);
        var km = expected.GetProperty("kaplanMeier");
        foreach (var (field, reference) in new[] { ("time", "time"), ("nRisk", "nRisk"), ("nEvent", "nEvent"), ("survival", "survival"), ("standardError", "standardError"), ("ciLow", "ci95Low"), ("ciHigh", "ci95High") })
        {
            var actual = all.Doubles(field);
            var wanted = km.Doubles(reference);
            actual.Should().HaveSameCount(wanted, field);
            actual.Zip(wanted).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-9, field);
        }

        all.GetProperty("median").GetDouble().Should().Be(18);
        var at = all.GetProperty("at").EnumerateArray().ToList();
        at.Select(a => a.GetProperty("time").GetDouble()).Should().Equal(5, 10);
        at[1].GetProperty("survival").GetDouble().Should().BeApproximately(km.Doubles("survival")[1], 1e-12);
        at[0].GetProperty("ciLow").GetDouble().Should().BeApproximately(km.Doubles("ci95Low")[0], 1e-12);
        at[0].GetProperty("ciHigh").GetDouble().Should().Be(1);
        var lr = doc.RootElement.GetProperty("logRank");
        lr.GetProperty("chiSquare").GetDouble().Should().BeApproximately(expected.GetProperty("logRank").GetProperty("chiSquare").GetDouble(), 1e-9);
        lr.GetProperty("df").GetInt32().Should().Be(1);
        lr.GetProperty("pValue").GetDouble().Should().BeApproximately(expected.GetProperty("logRank").GetProperty("pValue").GetDouble(), 1e-9);
    }

    [Fact]
    public void WithoutGroup_OneCurveAndNullLogRank_MedianNullWhenNotReached()
    {
        var path = Write("s.csv", "t,e", "1,1", "2,0", "3,0", "4,0");
        var (code, stdout, stderr) = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("logRank").ValueKind.Should().Be(JsonValueKind.Null);
        var curve = doc.RootElement.GetProperty("curves").EnumerateArray().Single();
        curve.GetProperty("median").ValueKind.Should().Be(JsonValueKind.Null);
        curve.GetProperty("survival").EnumerateArray().Single().GetDouble().Should().Be(0.75);
        curve.GetProperty("at").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void Chart_WritesAPng_AndRefusesAFolder()
    {
        var png = Path.Combine(_dir, "km.png");
        var (code, _, stderr) = CliRunner.Run("survival", "--input", ReferenceCase(), "--time", "days", "--event", "left", "--group", "arm", "--chart", png, "--json");
        code.Should().Be(0, stderr);
        var bytes = File.ReadAllBytes(png);
        bytes.Take(4).Should().Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)).Should().Be(1000);
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)).Should().Be(640);
        var folder = CliRunner.Run("survival", "--input", ReferenceCase(), "--time", "days", "--event", "left", "--chart", _dir, "--json");
        folder.Code.Should().Be(2);
        folder.Err.Should().Contain("--chart").And.Contain("is a folder");
    }

    [Fact]
    public void HumanOutput_ListsEachGroupAndTheLogRank()
    {
        var (code, stdout, stderr) = CliRunner.Run("survival", "--input", ReferenceCase(), "--time", "days", "--event", "left", "--group", "arm", "--at", "10");
        code.Should().Be(0, stderr);
        stdout.Should().Contain("all").And.Contain("log-rank: chi-square 3.582 on 1 df").And.Contain("S(10)");
    }

    [Theory]
    [InlineData("t,e\n1,1\n-2,0\n", "*column 't', data row 2, value -2*negative*")]
    [InlineData("t,e\n1,1\n2,2\n", "*column 'e', data row 2, value 2*0 (censored) or 1*")]
    [InlineData("t,e\n1,1\nx,0\n", "*line 3, column 't', value 'x'*")]
    [InlineData("t,e\n", "*no rows*")]
    [InlineData("t,f\n1,1\n", "*Column 'e' is missing*")]
    public void BadInput_ExitsTwo_WithOneLineNamingColumnAndRow(string content, string message)
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, content);
        var (code, _, stderr) = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle();
        stderr.Should().Match(message);
    }

    [Fact]
    public void BadInput_BlankGroupOrBadAt_ExitsTwo()
    {
        var path = Write("g.csv", "t,e,g", "1,1,a", "2,0,");
        var blank = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--group", "g", "--json");
        blank.Code.Should().Be(2);
        blank.Err.Should().Contain("column 'g', data row 2").And.Contain("blank");
        var at = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--at", "30,-1", "--json");
        at.Code.Should().Be(2);
        at.Err.Should().Contain("--at: '-1'");
    }

    [Fact]
    public void BadInput_GroupValueAll_ExitsTwoNamingColumnAndValue()
    {
        var path = Write("all.csv", "t,e,g", "1,1,a", "2,0,all", "3,1,a");
        var (code, _, stderr) = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--group", "g", "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle();
        stderr.Should().Contain("column 'g', data row 2").And.Contain("'all'");
    }

    [Theory]
    [InlineData("1,1,a", "2,0,a", "3,1,a")] // one group value: R's survdiff stops with "There is only 1 group"
    [InlineData("1,0,a", "2,0,b", "3,0,a")] // two groups, every subject censored: no expected event in any group
    public void LogRank_FewerThanTwoGroupsWithAnExpectedEvent_IsNull(string first, string second, string third)
    {
        var path = Write("one.csv", "t,e,g", first, second, third);
        var (code, stdout, stderr) = CliRunner.Run("survival", "--input", path, "--time", "t", "--event", "e", "--group", "g", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("logRank").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
