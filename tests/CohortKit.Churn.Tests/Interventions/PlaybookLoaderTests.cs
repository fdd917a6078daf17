using System.Text.Json.Nodes;
using CohortKit.Churn.Interventions.Playbook;

namespace CohortKit.Churn.Tests.Interventions;

public sealed class PlaybookLoaderTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "Interventions", "intervention-playbook.json");

    [Fact]
    public void Load_DocumentedExample_ReadsEveryField()
    {
        var playbook = PlaybookLoader.Load(ExamplePath);

        playbook.Holdout.Should().Be(new HoldoutSettings { Fraction = 0.1, Salt = "retention-programme-2026" });
        playbook.Bands.Select(b => (b.Name, b.Min, b.Max)).Should().Equal(("watch", 0.3, 0.6), ("high", 0.6, 1.0));
        playbook.Actions.Select(a => (a.Name, a.DailyBudget)).Should().Equal(
            ("nudge_email", 5000), ("tutor_outreach", 40), ("peer_cohort_invite", 300), ("content_adjustment", 1000));
        playbook.Rules.Should().HaveCount(4);
        playbook.Rules[0].Should().BeEquivalentTo(new PlaybookRule
        {
            Id = "high-new-tutor", Band = "high", Segment = "new", Action = "tutor_outreach", Priority = 0, CooldownDays = 14,
            FrequencyCap = new FrequencyCap { Max = 2, WindowDays = 30 },
        });
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // (mutation as "path=json value", expected JSON path in the error, a word the problem must contain)
        { "rules[0].action=\"sms\"", "$.rules[0].action", "unknown action 'sms'" },
        { "actions[1].dailyBudget=-5", "$.actions[1].dailyBudget", "negative" },
        { "bands[1].min=0.5", "$.bands[1]", "overlaps band 'watch'" },
        { "bands[0].max=0.2", "$.bands[0].max", "must exceed min" },
        { "bands[1].max=1.5", "$.bands[1].max", "(0, 1]" },
        { "bands[1].name=\"watch\"", "$.bands[1].name", "declared twice" },
        { "actions[2].name=\"nudge_email\"", "$.actions[2].name", "declared twice" },
        { "rules[3].band=\"medium\"", "$.rules[3].band", "unknown band 'medium'" },
        { "rules[2].priority=-1", "$.rules[2].priority", "negative" },
        { "rules[1].cooldownDays=-3", "$.rules[1].cooldownDays", "negative" },
        { "rules[0].frequencyCap.max=0", "$.rules[0].frequencyCap.max", "at least 1" },
        { "rules[0].frequencyCap.windowDays=0", "$.rules[0].frequencyCap.windowDays", "at least 1" },
        { "rules[1].id=\"high-new-tutor\"", "$.rules[1].id", "used by two rules" },
        { "holdout.fraction=1", "$.holdout.fraction", "[0, 1)" },
        { "holdout.fraction=-0.1", "$.holdout.fraction", "[0, 1)" },
        { "holdout.salt=\"\"", "$.holdout.salt", "non-empty" },
        { "rules[0].segment=\"\"", "$.rules[0].segment", "segment name" },
        { "actions[0].dailyBudget=\"many\"", "$.actions[0].dailyBudget", "could not be converted" },
        { "rules[0].colour=\"red\"", "$.rules[0].colour", "could not be mapped" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Parse_InvalidField_ThrowsNamingItsJsonPath(string mutation, string expectedPath, string expectedProblem)
    {
        var json = Mutate(File.ReadAllText(ExamplePath), mutation);

        var act = () => PlaybookLoader.Parse(json, "intervention-playbook.json");

        var e = act.Should().Throw<PlaybookFormatException>().Which;
        e.Path.Should().Be(expectedPath);
        e.Problem.Should().Contain(expectedProblem);
        e.Message.Should().StartWith($"intervention-playbook.json {expectedPath}: ");
        e.FileName.Should().Be("intervention-playbook.json");
    }

    [Fact]
    public void Parse_MissingRequiredField_NamesTheField()
    {
        var node = JsonNode.Parse(File.ReadAllText(ExamplePath))!;
        node["actions"]![0]!.AsObject().Remove("dailyBudget");

        var e = FluentActions.Invoking(() => PlaybookLoader.Parse(node.ToJsonString()))
            .Should().Throw<PlaybookFormatException>().Which;

        e.Path.Should().StartWith("$.actions[0]");
        e.Problem.Should().Contain("dailyBudget");
    }

    [Fact]
    public void Parse_NoRulesOrNoActions_IsRejected()
    {
        var node = JsonNode.Parse(File.ReadAllText(ExamplePath))!;
        node["rules"] = new JsonArray();
        FluentActions.Invoking(() => PlaybookLoader.Parse(node.ToJsonString()))
            .Should().Throw<PlaybookFormatException>().Which.Path.Should().Be("$.rules");
    }

    [Fact]
    public void Parse_MalformedJson_IsAPlaybookFormatException()
    {
        FluentActions.Invoking(() => PlaybookLoader.Parse("{ \"holdout\": { \"fraction\": 0.1, "))
            .Should().Throw<PlaybookFormatException>().Which.Path.Should().StartWith("$");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        FluentActions.Invoking(() => PlaybookLoader.Load(Path.Combine(Path.GetTempPath(), "no-such-playbook.json")))
            .Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void RiskBand_Contains_IsHalfOpenExceptAtOne()
    {
        var band = new RiskBand { Name = "b", Min = 0.3, Max = 0.6 };
        band.Contains(0.3).Should().BeTrue();
        band.Contains(0.6).Should().BeFalse();
        new RiskBand { Name = "top", Min = 0.6, Max = 1 }.Contains(1).Should().BeTrue();
    }

    /// <summary>Applies "a[0].b=value" to the document.</summary>
    private static string Mutate(string json, string mutation)
    {
        var node = JsonNode.Parse(json)!;
        var (path, value) = (mutation[..mutation.IndexOf('=')], mutation[(mutation.IndexOf('=') + 1)..]);
        var parts = path.Split('.');
        var current = node;
        for (var p = 0; p < parts.Length; p++)
        {
            var name = parts[p];
            int? index = null;
            if (name.EndsWith(']'))
            {
                index = int.Parse(name[(name.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
                name = name[..name.IndexOf('[')];
            }

            if (p == parts.Length - 1)
            {
                current![name] = JsonNode.Parse(value);
                break;
            }

            current = index is { } i ? current![name]![i] : current![name];
        }

        return node.ToJsonString();
    }
}
