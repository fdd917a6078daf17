using CohortKit.Errors;
using CohortKit.Personalization.Evaluation;

namespace CohortKit.Personalization.Tests.Evaluation;

/// <summary>The log's validation and its CSV and JSON-lines files.</summary>
public sealed class InteractionLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ck-pers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.2)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_PropensityOutsideZeroOne_IsRefusedNamingTheFieldAndEvent(double propensity)
    {
        var act = () => new InteractionLog(["e1", "e2"], ["a", "b"], [0.5, propensity], [1, 0], [], []);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("propensity of event 'e2'*(0, 1]*");
    }

    [Fact]
    public void Constructor_NonFiniteRewardOrFeature_IsRefusedNamingTheField()
    {
        var reward = () => new InteractionLog(["e1", "e2"], ["a", "b"], [0.5, 0.5], [1, double.PositiveInfinity], [], []);
        reward.Should().Throw<ArgumentOutOfRangeException>().WithMessage("reward of event 'e2'*finite*");
        var feature = () => new InteractionLog(["e1", "e2"], ["a", "b"], [0.5, 0.5], [1, 0], ["x_age"], [0.1, double.NaN]);
        feature.Should().Throw<ArgumentOutOfRangeException>().WithMessage("x_age of event 'e2'*finite*");
    }

    [Fact]
    public void Constructor_RepeatedEventOrWrongLength_IsRefused()
    {
        var repeat = () => new InteractionLog(["e1", "e1"], ["a", "b"], [0.5, 0.5], [1, 0], [], []);
        repeat.Should().Throw<ArgumentException>().WithMessage("event_id 'e1' repeats*");
        var length = () => new InteractionLog(["e1", "e2"], ["a", "b"], [0.5], [1, 0], [], []);
        length.Should().Throw<ArgumentException>().WithMessage("propensities has 1 values*");
    }

    [Fact]
    public void CsvAndJsonLines_RoundTripEveryField()
    {
        var t0 = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var builder = new InteractionLogBuilder(["x_age", "x_level"]);
        builder.Add("e1", t0, [0.25, 3], "video, long", 0.2, 1);
        builder.Add("e2", t0.AddSeconds(1.5), [1e-300, -7.125], "quiz", 1, 0.3333333333333333);
        var log = builder.Build();
        var csv = Path.Combine(_dir, "log.csv");
        var jsonl = Path.Combine(_dir, "log.jsonl");
        InteractionLogFile.WriteCsv(csv, log);
        InteractionLogFile.WriteJsonLines(jsonl, log);
        foreach (var back in new[] { InteractionLogFile.ReadCsv(csv), InteractionLogFile.ReadJsonLines(jsonl) })
        {
            back.EventIds.Should().Equal("e1", "e2");
            back.Actions.Should().Equal("video, long", "quiz");
            back.Propensities.ToArray().Should().Equal(0.2, 1);
            back.Rewards.ToArray().Should().Equal(1, 0.3333333333333333);
            back.FeatureNames.Should().Equal("x_age", "x_level");
            back.Context(1).ToArray().Should().Equal(1e-300, -7.125);
            back.Timestamps.Should().Equal(t0, t0.AddSeconds(1.5));
        }
    }

    [Fact]
    public void ReadCsv_NonFiniteFeatureOrMissingColumn_NamesTheColumn()
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "event_id,action,propensity,reward,x_a\ne1,a,0.5,1,nan\n");
        var act = () => InteractionLogFile.ReadCsv(path);
        act.Should().Throw<CsvFormatException>().Which.Column.Should().Be("x_a");
        File.WriteAllText(path, "event_id,action,reward\ne1,a,1\n");
        act.Should().Throw<CsvFormatException>().Which.Column.Should().Be("propensity");
    }

    [Fact]
    public void ReadJsonLines_MissingKey_NamesFileLineAndKey()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"event_id\":\"e1\",\"action\":\"a\",\"propensity\":0.5,\"reward\":1}\n\n{\"event_id\":\"e2\",\"action\":\"a\",\"reward\":1}\n");
        var act = () => InteractionLogFile.ReadJsonLines(path);
        act.Should().Throw<InvalidDataException>().WithMessage("bad.jsonl:3: propensity is missing*");
        File.WriteAllText(path, "[1]\n");
        act.Should().Throw<InvalidDataException>().WithMessage("bad.jsonl:1: not a JSON object*");
    }

    [Fact]
    public void TargetPolicy_ProbabilitiesNotSummingToOne_AreRefusedNamingTheEvent()
    {
        var log = new InteractionLog(["e1", "e2"], ["a", "b"], [0.5, 0.5], [1, 0], [], []);
        var act = () => new TargetPolicy(log, [0.5, 0.5, 0.7, 0.2]);
        act.Should().Throw<ArgumentException>().WithMessage("probability of event 'e2' sums to 0.9*must sum to 1*");
        var negative = () => new TargetPolicy(log, [1.5, -0.5, 0.5, 0.5]);
        negative.Should().Throw<ArgumentOutOfRangeException>().WithMessage("probability of action 'a' for event 'e1'*");
    }

    [Fact]
    public void TargetPolicy_ReadCsv_MapsEventsAndActions_AndRefusesUnknownOnes()
    {
        var log = new InteractionLog(["e1", "e2"], ["a", "b"], [0.5, 0.5], [1, 0], [], []);
        var path = Path.Combine(_dir, "target.csv");
        File.WriteAllText(path, "event_id,action,probability\ne2,b,0.25\ne1,a,1\ne2,a,0.75\n");
        var target = TargetPolicy.ReadCsv(path, log);
        target.Of(0).ToArray().Should().Equal(1, 0);
        target.Of(1).ToArray().Should().Equal(0.75, 0.25);

        File.WriteAllText(path, "event_id,action,probability\ne1,a,1\ne2,c,1\n");
        var unknownAction = () => TargetPolicy.ReadCsv(path, log);
        unknownAction.Should().Throw<ArgumentException>().WithMessage("action 'c'*never appears in the log*");
        File.WriteAllText(path, "event_id,action,probability\ne1,a,1\n");
        unknownAction.Should().Throw<ArgumentException>().WithMessage("event_id 'e2' of the log has no row*");
        File.WriteAllText(path, "event_id,action,probability\ne1,a,1\ne2,a,0.5\ne2,b,0.4\n");
        unknownAction.Should().Throw<ArgumentException>().WithMessage("probability of event 'e2' sums to 0.9*");
        File.WriteAllText(path, "event_id,action,probability\ne1,a,1\ne3,a,1\n");
        unknownAction.Should().Throw<ArgumentException>().WithMessage("event_id 'e3' of the target file is not in the log*");
    }
}
