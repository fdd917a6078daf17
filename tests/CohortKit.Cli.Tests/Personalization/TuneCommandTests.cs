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
        root.EnumerateObject().Select(p => p.Name).Should().Equal("objective", "sampler", "evaluations", "best", "trajectory", "recommended");
        root.GetProperty("best").EnumerateObject().Select(p => p.Name).Should().Equal("value", "parameters", "trueValue");
        root.GetProperty("best").GetProperty("parameters").EnumerateObject().Select(p => p.Name).Should().Equal("x1", "x2");
        root.GetProperty("sampler").GetString().Should().Be("gp");
        root.GetProperty("evaluations").GetInt32().Should().Be(40);
        root.GetProperty("trajectory").GetArrayLength().Should().Be(40);
        root.GetProperty("best").GetProperty("value").GetDouble().Should().BeInRange(0.397887, 0.397887 * 1.01);
    }

    /// <summary>With noise, <c>best</c> is the luckiest observation (it can beat the known minimum); <c>trueValue</c> is Branin
    /// itself at the reported parameters (the standard formula, written out here), for <c>best</c> and <c>recommended</c>.</summary>
    [Fact]
    public void Json_Noisy_ReportsTheTrueValueBesideTheObservedOne_AndTheRecommendation()
    {
        var (code, stdout, stderr) = CliRunner.Run("tune", "--objective", "branin", "--budget", "40", "--seed", "1", "--noise", "0.5", "--json");
        code.Should().Be(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        static double Branin(JsonElement trial)
        {
            var p = trial.GetProperty("parameters");
            var (x1, x2) = (p.GetProperty("x1").GetDouble(), p.GetProperty("x2").GetDouble());
            var b = 5.1 / (4 * Math.PI * Math.PI);
            var c = 5 / Math.PI;
            var t = 1 / (8 * Math.PI);
            return Math.Pow(x2 - (b * x1 * x1) + (c * x1) - 6, 2) + (10 * (1 - t) * Math.Cos(x1)) + 10;
        }

        foreach (var name in new[] { "best", "recommended" })
        {
            var trial = doc.RootElement.GetProperty(name);
            trial.GetProperty("trueValue").GetDouble().Should().BeApproximately(Branin(trial), 1e-9, name);
            trial.GetProperty("trueValue").GetDouble().Should().BeGreaterThanOrEqualTo(0.397887 - 1e-6, name);
        }

        var best = doc.RootElement.GetProperty("best");
        best.GetProperty("value").GetDouble().Should().NotBe(best.GetProperty("trueValue").GetDouble(), "the observation includes noise");
        doc.RootElement.GetProperty("trajectory").EnumerateArray().Last().GetDouble().Should().Be(best.GetProperty("value").GetDouble());
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
    [InlineData("--noise", "1e308", "--noise")]
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
