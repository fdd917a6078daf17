using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Reliability;

/// <summary><c>cohortkit capacity</c>: the contract's JSON against mpmath's exact Erlang C search, and one line for bad input.</summary>
public sealed class CapacityCommandTests
{
    [Fact]
    public void Json_MatchesTheReference()
    {
        // Case 2 of reliability/erlang_c.json: λ 100/s, S 100 ms, W 20 ms, q 0.99, headroom 2 → 17 servers, 29 with headroom.
        var row = SharedData.Reference("reliability/erlang_c.json").GetProperty("cases")[1];
        var (code, stdout, stderr) = CliRunner.Run("capacity", "--arrival-rate", "100", "--service-ms", "100", "--wait-ms", "20", "--price-per-hour", "0.5", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("offeredLoad", "servers", "serversWithHeadroom", "probabilityOfWaiting", "waitQuantileMs", "utilization", "costPerHour");
        root.GetProperty("offeredLoad").GetDouble().Should().BeApproximately(10, 1e-12);
        root.GetProperty("servers").GetInt32().Should().Be(row.GetProperty("servers").GetInt32());
        root.GetProperty("serversWithHeadroom").GetInt32().Should().Be(row.GetProperty("serversWithHeadroom").GetInt32());
        root.GetProperty("probabilityOfWaiting").GetDouble().Should().BeApproximately(row.GetProperty("probabilityOfWaiting").GetDouble(), 1e-9);
        root.GetProperty("waitQuantileMs").GetDouble().Should().BeApproximately(row.GetProperty("waitQuantileMs").GetDouble(), 1e-3);
        root.GetProperty("utilization").GetDouble().Should().BeApproximately(10.0 / 17, 1e-12);
        root.GetProperty("costPerHour").GetDouble().Should().BeApproximately(29 * 0.5, 1e-12);
    }

    /// <summary>Every case of reliability/erlang_c.json: <c>waitQuantileMs</c> is the reference rounded to the nearest 0.0001 ms
    /// (cases 0, 1 and 4 were truncated: 29.4393, 16.1056, 4.8874 instead of 29.4394, 16.1057, 4.8875).</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Json_WaitQuantile_IsTheReferenceRoundedToTheNearestTenthOfAMicrosecond(int index)
    {
        var row = SharedData.Reference("reliability/erlang_c.json").GetProperty("cases")[index];
        string Arg(string name) => row.GetProperty(name).GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = CliRunner.Run("capacity", "--arrival-rate", Arg("arrivalRate"), "--service-ms", Arg("serviceMs"), "--wait-ms", Arg("waitMs"),
            "--quantile", Arg("quantile"), "--headroom", Arg("headroom"), "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var expected = Math.Round(row.GetProperty("waitQuantileMs").GetDouble(), 4, MidpointRounding.AwayFromZero);
        doc.RootElement.GetProperty("waitQuantileMs").GetDouble().Should().BeApproximately(expected, 1e-9);
    }

    [Fact]
    public void Json_WithoutPrice_HasNullCost()
    {
        var (code, stdout, _) = CliRunner.Run("capacity", "--arrival-rate", "10", "--service-ms", "200", "--wait-ms", "50", "--json");
        code.Should().Be(0);
        using var doc = JsonDocument.Parse(stdout);
        doc.RootElement.GetProperty("costPerHour").ValueKind.Should().Be(JsonValueKind.Null);
        doc.RootElement.GetProperty("servers").GetInt32().Should().Be(6);
    }

    [Theory]
    [InlineData("--price-per-hour", "-1", "--price-per-hour")]
    [InlineData("--arrival-rate", "-5", "--arrival-rate")]
    [InlineData("--arrival-rate", "1e12", "--arrival-rate")]
    [InlineData("--quantile", "1", "--quantile")]
    [InlineData("--headroom", "0.5", "--headroom")]
    [InlineData("--service-ms", "0", "--service-ms")]
    [InlineData("--wait-ms", "-1", "--wait-ms")]
    [InlineData("--service-ms", "0.00004", "--service-ms 4E-05: below 0.0001 ms")]   // said "Actual value was 00:00:00"
    [InlineData("--service-ms", "1e300", "--service-ms 1E+300: must be at most")]     // said "not finite"
    [InlineData("--wait-ms", "1e300", "--wait-ms 1E+300: must be at most")]
    [InlineData("--arrival-rate", "1,000", "--arrival-rate: '1,000' is not a number")]               // was read as 1000
    [InlineData("--quantile", "0,99", "--quantile: '0,99' is not a number")]                         // was read as 99
    [InlineData("--price-per-hour", "1,5", "--price-per-hour: '1,5' is not a number")]
    public void BadInput_ExitsTwoWithOneLineNamingTheOption(string option, string value, string named)
    {
        var args = new List<string> { "capacity", "--arrival-rate", "10", "--service-ms", "200", "--wait-ms", "50", "--json" };
        var at = args.IndexOf(option);
        if (at >= 0) { args[at + 1] = value; } else { args.AddRange([option, value]); }
        var (code, stdout, stderr) = CliRunner.Run([.. args]);
        code.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(named);
    }

    [Fact]
    public void HeadroomBeyondEveryPool_IsBlamedOnHeadroom_NotOnTheArrivalRateTheUserGave()
    {
        // 6e6/s × 100 ms = 600,000 erlangs fits under the 1,000,000-server limit; × 2 = 1.2e6 erlangs does not.
        var (code, _, stderr) = CliRunner.Run("capacity", "--arrival-rate", "6000000", "--service-ms", "100", "--wait-ms", "1", "--headroom", "2");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("cohortkit: --headroom 2: sizing for 2 ×")
            .And.NotContain("Parameter").And.NotContain("Actual value").And.NotContain("arrivalRatePerSecond");
    }

    [Fact]
    public void ServiceTime_IsRoundedToTheNearest100Nanoseconds_NotTruncated()
    {
        // 0.12345 ms → 1,234.5 ticks → 1,235 (0.1235 ms); truncation gave 0.1234. λ = 1e6/s: offered load = 123.5 erlangs.
        var (code, stdout, stderr) = CliRunner.Run("capacity", "--arrival-rate", "1000000", "--service-ms", "0.12345", "--wait-ms", "0", "--headroom", "1", "--json");
        code.Should().Be(0, stderr);
        System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("offeredLoad").GetDouble().Should().BeApproximately(123.5, 1e-9);
    }
}
