using System.Globalization;
using System.Text.Json;

namespace CohortKit.Cli.Tests.Reliability;

/// <summary><c>cohortkit slo replay</c>: the contract's JSON on an outage whose alert minutes are worked out by hand, and one line for bad input.</summary>
public sealed class SloReplayCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-slo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Csv(string name, IEnumerable<string> rows)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, new[] { "minute,total,errors" }.Concat(rows));
        return path;
    }

    [Fact]
    public void Json_TenPercentOutage_HasTheContractFieldsAndTheWorkbookMinutes()
    {
        // 1,000 requests a minute for 6,000 minutes; minutes 5000–5059 have 100 errors (e = 0.1). At objective 0.999 the
        // page 14.4× 1h/5m fires at 5008 (9 outage minutes: 0.9/60 > 0.0144) and clears at 5064 (the 5 minutes hold none);
        // 6× 6h/30m: 5021 (22·0.1/360 > 0.006) and 5088 (30 minutes hold 1: 0.1/30 < 0.006); ticket 1× 3d/6h: 5043
        // (44·0.1/4320 > 0.001) and 5416 (6 h hold 3: 0.3/360 < 0.001). Budget: 6,000 errors / (6,000,000 × 0.001) = 1.
        var input = Csv("outage.csv", Enumerable.Range(0, 6000).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m},1000,{(m is >= 5000 and < 5060 ? 100 : 0)}")));
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", "0.999", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("objective", "budgetConsumed", "alerts");
        root.GetProperty("objective").GetDouble().Should().Be(0.999);
        root.GetProperty("budgetConsumed").GetDouble().Should().BeApproximately(1, 1e-12);
        var alerts = root.GetProperty("alerts").EnumerateArray().ToList();
        alerts[0].EnumerateObject().Select(p => p.Name).Should().Equal("severity", "longWindow", "shortWindow", "burnRate", "firedAtMinute", "clearedAtMinute");
        alerts.Select(a => (a.GetProperty("severity").GetString(), a.GetProperty("longWindow").GetString(), a.GetProperty("shortWindow").GetString(),
                a.GetProperty("burnRate").GetDouble(), a.GetProperty("firedAtMinute").GetInt64(), a.GetProperty("clearedAtMinute").GetInt64()))
            .Should().Equal(("page", "1h", "5m", 14.4, 5008L, 5064L), ("page", "6h", "30m", 6.0, 5021L, 5088L), ("ticket", "3d", "6h", 1.0, 5043L, 5416L));
    }

    [Fact]
    public void Chart_WritesAValidPngAndLeavesTheJsonContractAsItWas()
    {
        var input = Csv("chart.csv", Enumerable.Range(0, 600).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m},100,{(m is >= 300 and < 330 ? 20 : 0)}")));
        var png = Path.Combine(_dir, "burn.png");
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", "0.999", "--period", "7d", "--chart", png, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("objective", "budgetConsumed", "alerts");
        var bytes = File.ReadAllBytes(png);
        bytes.Take(8).Should().Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, "a PNG signature");
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR", "the first chunk of a PNG");
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)).Should().Be(1200, "the PNG header's width");
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)).Should().Be(640, "the PNG header's height");
        System.Text.Encoding.ASCII.GetString(bytes, bytes.Length - 8, 4).Should().Be("IEND", "the last chunk of a PNG");
    }

    [Fact]
    public void Chart_InAFolderThatDoesNotExist_ExitsTwoNamingTheOptionBeforeAnyWork()
    {
        var input = Csv("ok.csv", ["0,10,0"]);
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", "0.999", "--chart", Path.Combine(_dir, "nope", "burn.png"));
        code.Should().Be(2, stdout);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("--chart");
    }

    [Fact]
    public void Json_StillFiringAtTheEnd_WritesClearedAtMinuteAsNull()
    {
        var input = Csv("down.csv", Enumerable.Range(0, 100).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m},10,{(m >= 90 ? 10 : 0)}")));
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", "0.999", "--period", "7d", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var first = doc.RootElement.GetProperty("alerts")[0];
        first.GetProperty("firedAtMinute").GetInt64().Should().Be(90);
        first.GetProperty("clearedAtMinute").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("1.5", "30d", "--objective")]
    [InlineData("0", "30d", "--objective")]
    [InlineData("0.999", "1d", "--period")]
    [InlineData("0.999", "thirty", "--period")]
    public void BadOption_ExitsTwoWithOneLineNamingIt(string objective, string period, string flag)
    {
        var input = Csv("ok.csv", ["0,10,0"]);
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", objective, "--period", period, "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(flag);
    }

    /// <summary>The review's cases: a comma read as a thousands separator (0,999 became 999, then "outside (0, 1)" about a
    /// number never written), a period of 100 years (1.28 GB), 3 days and 30 s (a TimeSpan and an internal option name in the
    /// message), and the boundary hint: 1 − 1/14.4 = 0.930555…, so 0.93056 can fire and is the example to give, not 0.9306.</summary>
    [Theory]
    [InlineData("0,999", "30d", "--objective: '0,999' is not a number")]
    [InlineData("0.999", "36500d", "--period 36500d: must be at most 400d")]
    [InlineData("0.999", "401d", "--period 401d: must be at most 400d")]
    [InlineData("0.999", "259230s", "--period 259230s: must be a whole number of minutes")]
    [InlineData("0.93", "30d", "above 1 - 1/14.4 = 0.9305556…; 0.93056 is accepted")]
    public void BadOption_ReviewCases_ExitTwoWithTheReasonInTheUsersTerms(string objective, string period, string expected)
    {
        var input = Csv("ok.csv", ["0,10,0"]);
        var (code, stdout, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", objective, "--period", period, "--json");
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        var line = stderr.Trim().Split('\n').Should().ContainSingle().Subject;
        line.Should().Contain(expected).And.NotContain("BucketWidth").And.NotContain("00:");
    }

    [Theory]
    [InlineData("0.93056", "400d")]
    [InlineData("1e-1", "3d")]
    public void BoundaryOptions_AreAccepted(string objective, string period)
    {
        // 14.4 x (1 − 0.93056) = 0.999936 < 1: the page rule can fire, so 0.93056 is accepted; 400 days is the longest period.
        // 1e-1 is an invariant number (it is below 1 − 1/14.4, so refused for that reason, not as text).
        var input = Csv("ok.csv", ["0,10,0"]);
        var (code, _, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", objective, "--period", period, "--json");
        if (objective == "1e-1")
        {
            (code, stderr).Should().Match<(int, string)>(r => r.Item1 == 2 && r.Item2.Contains("could never fire"));
        }
        else
        {
            code.Should().Be(0, stderr);
        }
    }

    [Theory]
    [InlineData("0,10,11", "errors")]
    [InlineData("0,-1,0", "total")]
    [InlineData("3,10,0\n2,10,0", "minute")]
    [InlineData("0,ten,0", "total")]
    [InlineData("0,9223372036854775807,1\n1,9223372036854775807,1", "column 'total', data row 1")]  // overflowed to a negative budget
    [InlineData("0,10,0\n2147483647,10,1", "column 'minute', data row 2")]                        // was an OverflowException, exit 1
    [InlineData("0,10,0\n50000000,10,1", "not from the Unix epoch")]                                // was 2.4 GB of arrays
    public void BadRow_ExitsTwoNamingTheColumn(string rows, string column)
    {
        var input = Csv("bad.csv", rows.Split('\n'));
        var (code, _, stderr) = CliRunner.Run("slo", "replay", "--input", input, "--objective", "0.999");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(column);
    }
}
