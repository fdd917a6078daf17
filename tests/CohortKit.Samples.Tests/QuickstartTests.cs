using System.Globalization;
using System.Text.RegularExpressions;

namespace CohortKit.Samples.Tests;

/// <summary>Runs the quickstart sample as a user would and checks what it prints against what the sample planted: 20,000
/// learners, a +10 % effect on minutes and lessons, a 50/50 split, A/A tests at alpha 0.05 and cohorts of 15–30.</summary>
public sealed partial class QuickstartTests
{
    private static readonly Lazy<string> Output = new(RunSample);

    [Fact]
    public void Quickstart_Readout_CoversThePlantedTenPercentEffect()
    {
        foreach (var metric in new[] { "minutes", "lessons" })
        {
            var match = Regex.Match(Output.Value, $@"^{metric}: (?<est>[-\d.]+) % \[(?<lo>[-\d.]+) %, (?<hi>[-\d.]+) %\]", RegexOptions.Multiline);
            match.Success.Should().BeTrue($"the sample prints a relative effect line for {metric}:\n{Output.Value}");
            Percent(match, "lo").Should().BeLessThan(10.0);
            Percent(match, "hi").Should().BeGreaterThan(10.0);
        }
    }

    [Fact]
    public void Quickstart_Summary_MatchesTheConfiguredPlatform()
    {
        Output.Value.Should().StartWith("20,000 learners, ");
        Output.Value.Should().Contain("SRM check passed.", "the simulator assigns arms 50/50");
    }

    [Fact]
    public void Quickstart_AaCheck_FalsePositiveIntervalsContainAlpha()
    {
        var lines = AaLine().Matches(Output.Value);
        lines.Should().HaveCount(2);
        foreach (Match m in lines)
        {
            Percent(m, "lo").Should().BeLessThanOrEqualTo(5.0);
            Percent(m, "hi").Should().BeGreaterThanOrEqualTo(5.0);
        }
    }

    [Fact]
    public void Quickstart_Cohorts_RespectTheConfiguredBounds()
    {
        var m = CohortLine().Match(Output.Value);
        m.Success.Should().BeTrue(Output.Value);
        int.Parse(m.Groups["min"].Value, CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(15);
        int.Parse(m.Groups["max"].Value, CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(30);
        var count = int.Parse(m.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        count.Should().BeInRange((20_000 + 29) / 30, 20_000 / 15, "every learner is in a cohort of 15–30");
    }

    private static double Percent(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string RunSample()
    {
        var entry = System.Reflection.Assembly.Load("CohortKit.Samples.Quickstart").EntryPoint ?? throw new InvalidOperationException("The sample has no entry point.");
        var previous = Console.Out;
        using var captured = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(captured);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        return captured.ToString();
    }

    [GeneratedRegex(@"^A/A \w+: false-positive rate [\d.]+ % \[(?<lo>[\d.]+) %, (?<hi>[\d.]+) %\]", RegexOptions.Multiline)]
    private static partial Regex AaLine();

    [GeneratedRegex(@"^(?<count>[\d,]+) cohorts of (?<min>\d+)–(?<max>\d+):", RegexOptions.Multiline)]
    private static partial Regex CohortLine();
}
