using System.Globalization;
using System.Text.Json;

namespace CohortKit.Cli.Tests.Deployment;

/// <summary><c>cohortkit deploy drill</c>: real sample-host processes on loopback; the contract's JSON and CSV, bad input.</summary>
public sealed class DeployDrillCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-deploy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Drill_Json_HasTheContractFields_AndTheCsvOneRowPerRequest()
    {
        var chart = Path.Combine(_dir, "drill.png");
        var (code, stdout, stderr) = CliRunner.Run("deploy", "drill", "--requests", "2000", "--concurrency", "8", "--out", _dir, "--chart", chart, "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("requests", "failed", "p99LatencyMs", "switchedAtMs", "rolledBack", "rollbackMs", "verdict");
        root.GetProperty("requests").GetInt32().Should().Be(2000);
        root.GetProperty("failed").GetInt32().Should().Be(0);
        root.GetProperty("p99LatencyMs").GetDouble().Should().BePositive();
        // Under heavy machine load the canary or the health gate may stop green before the switch (then switchedAtMs is null,
        // rolledBack true): the contract is the document's shape, which holds either way.
        var switched = root.GetProperty("switchedAtMs");
        switched.ValueKind.Should().BeOneOf(JsonValueKind.Number, JsonValueKind.Null);
        root.GetProperty("rolledBack").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False);
        root.GetProperty("rollbackMs").ValueKind.Should().Be(root.GetProperty("rolledBack").GetBoolean() ? JsonValueKind.Number : JsonValueKind.Null);
        root.GetProperty("verdict").ValueKind.Should().BeOneOf(JsonValueKind.String, JsonValueKind.Null);

        var lines = File.ReadAllLines(Path.Combine(_dir, "requests.csv"));
        lines[0].Should().Be("sent_at_ms,status,version,latency_ms");
        lines.Should().HaveCount(2001);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Should().OnlyContain(r => r[1] == "200" && (r[2] == "blue" || r[2] == "green"));
        var switchedAt = switched.ValueKind == JsonValueKind.Number ? switched.GetDouble() : double.PositiveInfinity;
        // On a loaded machine 2,000 requests may all be sent before the switch; whatever is sent after it is green's
        // (BlueGreenDrillTests check with 10,000 requests that there is such traffic).
        rows.Where(r => double.Parse(r[0], CultureInfo.InvariantCulture) > switchedAt).All(r => r[2] == "green").Should().BeTrue();
        new FileInfo(chart).Length.Should().BeGreaterThan(10_000);
    }

    [Theory]
    [InlineData("--concurrency", "0")]
    [InlineData("--requests", "10")]
    public void Drill_BadNumber_ExitsTwoNamingTheOption(string option, string value)
    {
        var (code, _, stderr) = CliRunner.Run("deploy", "drill", option, value, "--json");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(option);
    }
}
