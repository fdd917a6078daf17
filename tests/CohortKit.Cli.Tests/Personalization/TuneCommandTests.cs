using System.Text.Json;

namespace CohortKit.Cli.Tests.Personalization;

/// <summary><c>cohortkit tune</c>: the contract's JSON, Branin's known minimum, and one line for bad input.</summary>
public sealed class TuneCommandTests
{
    [Fact]
    public void Json_Branin_HasTheContractFields_AndGetsNearTheKnownMinimum()
    {
        var (code, stdout, stderr) = CliRunner.Run("tune", "--objective", "branin", "--budget", "40", "--seed", "1", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("objective", "sampler", "evaluations", "best", "trajectory");
        root.GetProperty("best").EnumerateObject().Select(p => p.Name).Should().Equal("value", "parameters");
        root.GetProperty("best").GetProperty("parameters").EnumerateObject().Select(p => p.Name).Should().Equal("x1", "x2");
        root.GetProperty("sampler").GetString().Should().Be("gp");
        root.GetProperty("evaluations").GetInt32().Should().Be(40);
        root.GetProperty("trajectory").GetArrayLength().Should().Be(40);
        root.GetProperty("best").GetProperty("value").GetDouble().Should().BeInRange(0.397887, 0.397887 * 1.01);
    }

    [Fact]
    public void Json_Platform_ReportsTheCategoricalLeverAsALabel()
    {
        var (code, stdout, stderr) = CliRunner.Run("tune", "--objective", "platform", "--budget", "8", "--sampler", "random", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var parameters = doc.RootElement.GetProperty("best").GetProperty("parameters");
        parameters.GetProperty("reminder_channel").GetString().Should().BeOneOf("email", "push", "none");
        parameters.GetProperty("lesson_minutes").GetDouble().Should().Be(Math.Round(parameters.GetProperty("lesson_minutes").GetDouble()));
        doc.RootElement.GetProperty("trajectory").EnumerateArray().Select(v => v.GetDouble()).Should().BeInAscendingOrder("engagement is maximised");
    }

    [Theory]
    [InlineData("--budget", "0", "--budget")]
    [InlineData("--noise", "-1", "--noise")]
    [InlineData("--sampler", "tpe", "--sampler")]
    [InlineData("--objective", "rosenbrock", "--objective")]
    public void BadInput_ExitsTwoWithOneLineNamingTheOption(string option, string value, string named)
    {
        var args = new List<string> { "tune", "--objective", "branin", "--budget", "5", "--json" };
        var at = args.IndexOf(option);
        if (at >= 0) { args[at + 1] = value; } else { args.AddRange([option, value]); }
        var (code, _, stderr) = CliRunner.Run([.. args]);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(named);
    }
}
