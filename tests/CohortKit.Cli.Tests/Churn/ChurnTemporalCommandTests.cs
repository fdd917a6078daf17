using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Models;
using CohortKit.Csv;
using CohortKit.Temporal.Progression;
using CohortKit.Testing;

namespace CohortKit.Cli.Tests.Churn;

/// <summary>A simulated platform, and <c>churn train --temporal</c> on it once for the class.</summary>
public sealed class TemporalTrainFixture : IDisposable
{
    /// <summary>The training as-of date: day 48 of the 90 simulated days (2026-01-05 … 2026-04-04).</summary>
    public static readonly DateOnly AsOf = new(2026, 2, 22);

    public TemporalTrainFixture()
    {
        Learners = Path.Combine(Dir, "learners.csv");
        Events = Path.Combine(Dir, "events.csv");
        Model = Path.Combine(Dir, "temporal-model.json");
        CliRunner.Run("simulate", "--learners", "2000", "--days", "90", "--seed", "3", "--out", Dir, "--json").Code.Should().Be(0);
        var (code, stdout, stderr) = CliRunner.Run("churn", "train", "--learners", Learners, "--events", Events, "--as-of", Iso(AsOf), "--temporal", "--out", Model, "--json");
        code.Should().Be(0, stderr);
        TrainJson = stdout;
    }

    public string Dir { get; } = Directory.CreateTempSubdirectory("cohortkit-cli-temporal-").FullName;

    public string Learners { get; }

    public string Events { get; }

    public string Model { get; }

    public string TrainJson { get; }

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary><c>churn train --temporal</c> and <c>churn score</c> on its model: the same probabilities as in-process, the saved
/// hazard blind to events after the as-of date, an older model file scoring as before, a malformed Temporal section refused.</summary>
public sealed class ChurnTemporalCommandTests(TemporalTrainFixture data) : IClassFixture<TemporalTrainFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-temporal-case-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainTemporal_Json_KeepsTheContractAndSaysTemporal()
    {
        using var doc = JsonDocument.Parse(data.TrainJson);
        var root = doc.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("asOf", "trainRows", "trainPositives", "testAsOf", "test", "model", "temporal");
        root.GetProperty("temporal").GetBoolean().Should().BeTrue();
        var model = JsonNode.Parse(File.ReadAllText(data.Model))!;
        model["FeatureNames"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain(TemporalStateFeatures.Names);
    }

    [Fact]
    public void ScoreTemporalModel_TrainingLearners_SameProbabilitiesAsInProcessWithAFreshFit()
    {
        var output = Path.Combine(_dir, "scores.csv");
        var (code, _, stderr) = CliRunner.Run("churn", "score", "--model", data.Model, "--learners", data.Learners, "--events", data.Events, "--as-of", TemporalTrainFixture.Iso(TemporalTrainFixture.AsOf), "--out", output);
        code.Should().Be(0, stderr);

        // In process: the Temporal rules and hazard fitted afresh from the CSVs up to the as-of date (not read from the file),
        // the model's other columns from the builder, the model's own scorer.
        var people = LearnerCsv.Load(data.Learners);
        var log = ActivityCsv.Load(data.Events, people);
        var fresh = TemporalStateFeatures.Fit(people, log, TemporalTrainFixture.AsOf);
        ChurnModel model;
        using (var stream = File.OpenRead(data.Model)) { model = ChurnModel.Load(stream); }
        var builder = new EarlyWarningDataBuilder();
        var features = builder.Features(people, log, TemporalTrainFixture.AsOf, model.FeatureNames, fresh);
        var expected = new double[features.Rows];
        model.PredictProbabilities(features, expected);

        var labels = builder.Labels(people, log, TemporalTrainFixture.AsOf);
        var ids = people.Ids.ToArray();
        var training = Enumerable.Range(0, people.Count).Where(r => labels.Eligible.Span[r]).Select(r => ids[r].Value).ToHashSet();
        var scored = Scores(output);
        training.Should().HaveCountGreaterThan(500).And.BeSubsetOf(scored.Keys);
        var rowOf = Enumerable.Range(0, people.Count).ToDictionary(r => ids[r].Value);
        foreach (var id in training) { scored[id].Should().Be(expected[rowOf[id]], $"learner {id}"); }
        scored.Values.Distinct().Should().HaveCountGreaterThan(50, "the comparison must not be between constants");
    }

    [Fact]
    public void TrainAndScoreTemporal_EventsAfterAsOfDeleted_SameHazardAndSameScores()
    {
        var asOf = TemporalTrainFixture.AsOf;
        var truncated = Path.Combine(_dir, "events-to-as-of.csv");
        var lines = File.ReadAllLines(data.Events);
        var kept = lines.Where((l, i) => i == 0 || string.CompareOrdinal(l.Split(',')[1][..10], TemporalTrainFixture.Iso(asOf)) <= 0).ToArray();
        kept.Length.Should().BeLessThan(lines.Length, "the test must delete something");
        File.WriteAllLines(truncated, kept);

        // the hazard saved by train (on every event) equals the one fitted on the events up to the as-of date only
        var people = LearnerCsv.Load(data.Learners);
        var blind = (TransitionMatrix)TemporalStateFeatures.Fit(people, ActivityCsv.Load(truncated, people), asOf).Hazard;
        var saved = JsonNode.Parse(File.ReadAllText(data.Model))!["Temporal"]!;
        saved["Probabilities"]!.AsArray().SelectMany(r => r!.AsArray().Select(p => p!.GetValue<double>())).Should().Equal(blind.Probabilities.SelectMany(r => r));
        saved["Counts"]!.AsArray().SelectMany(r => r!.AsArray().Select(p => p!.GetValue<long>())).Should().Equal(blind.Counts.SelectMany(r => r));

        // and score reads nothing after the as-of date
        var full = Path.Combine(_dir, "full.csv");
        var cut = Path.Combine(_dir, "cut.csv");
        foreach (var (events, output) in new[] { (data.Events, full), (truncated, cut) })
        {
            var (code, _, stderr) = CliRunner.Run("churn", "score", "--model", data.Model, "--learners", data.Learners, "--events", events, "--as-of", TemporalTrainFixture.Iso(asOf), "--out", output);
            code.Should().Be(0, stderr);
        }

        File.ReadAllText(cut).Should().Be(File.ReadAllText(full));
    }

    [Fact]
    public void ScoreModelFileWrittenBeforeTemporal_ScoresAsBefore()
    {
        // model.json and scores.csv were written by the CLI at commit 7034d12 (tests/reference/PROVENANCE.md)
        var legacy = Path.Combine(SharedData.ReferenceDirectory, "churn", "legacy_model");
        var output = Path.Combine(_dir, "legacy-scores.csv");
        var (code, _, stderr) = CliRunner.Run("churn", "score", "--model", Path.Combine(legacy, "model.json"), "--learners", Path.Combine(legacy, "learners.csv"),
            "--events", Path.Combine(legacy, "events.csv"), "--as-of", "2026-01-25", "--out", output);
        code.Should().Be(0, stderr);
        File.ReadAllText(output).Should().Be(File.ReadAllText(Path.Combine(legacy, "scores.csv")));
    }

    [Theory]
    [InlineData("probabilities")]
    [InlineData("missing")]
    public void Score_TemporalSectionMalformed_ExitsTwoNamingIt(string defect)
    {
        var file = JsonNode.Parse(File.ReadAllText(data.Model))!;
        if (defect == "missing")
        {
            file.AsObject().Remove("Temporal");
        }
        else
        {
            file["Temporal"]!["Probabilities"]![(int)LearnerState.Active]![(int)LearnerState.Churned] = 0.75;
        }

        var broken = Path.Combine(_dir, "broken.json");
        File.WriteAllText(broken, file.ToJsonString());
        var (code, _, stderr) = CliRunner.Run("churn", "score", "--model", broken, "--learners", data.Learners, "--events", data.Events, "--as-of", TemporalTrainFixture.Iso(TemporalTrainFixture.AsOf), "--out", Path.Combine(_dir, "never.csv"));
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("Temporal");
        File.Exists(Path.Combine(_dir, "never.csv")).Should().BeFalse();
    }

    [Fact]
    public void TrainTemporal_EventBeforeSignup_ExitsTwoNamingTheOptionAndLearner()
    {
        // move the first event's learner's signup to the day after that event
        var first = File.ReadLines(data.Events).Skip(1).First().Split(',');
        var eventDay = DateOnly.ParseExact(first[1][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var learners = File.ReadAllLines(data.Learners);
        var row = Array.FindIndex(learners, l => l.StartsWith(first[0] + ",", StringComparison.Ordinal));
        var cells = learners[row].Split(',');
        cells[1] = TemporalTrainFixture.Iso(eventDay.AddDays(1));
        learners[row] = string.Join(',', cells);
        var moved = Path.Combine(_dir, "learners.csv");
        File.WriteAllLines(moved, learners);
        var (code, _, stderr) = CliRunner.Run("churn", "train", "--learners", moved, "--events", data.Events, "--as-of", TemporalTrainFixture.Iso(TemporalTrainFixture.AsOf), "--temporal");
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("cohortkit: --temporal:").And.Contain($"learner_id {first[0]}").And.Contain("signup_date");
    }

    private static Dictionary<long, double> Scores(string path)
        => File.ReadLines(path).Skip(1).Select(l => l.Split(','))
            .ToDictionary(p => long.Parse(p[0], CultureInfo.InvariantCulture), p => double.Parse(p[1], CultureInfo.InvariantCulture));
}
