using System.Text.Json;
using System.Text.Json.Nodes;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tests.EarlyWarning;
using CohortKit.Features;
using CohortKit.Temporal.Progression;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Models;

/// <summary>A model with Temporal columns keeps the state rules and the transition matrix in its file: the hazard in the file
/// is the hand-counted closed form, a round trip rebuilds the same columns and scores, an older file without the section still
/// loads, and a malformed section is refused naming it.</summary>
public sealed class ChurnModelTemporalFileTests
{
    /// <summary>A logistic model on six synthetic columns, the last two named as Temporal columns, with the hand log's fit.</summary>
    private static ChurnModel TemporalModel(double alpha = 0.1)
    {
        var (synthetic, labels, _) = SyntheticChurn.Generate(1500, 8);
        string[] names = ["x0", "x1", "x2", "x3", TemporalStateFeatures.StatePrefix + LearnerState.Dormant, TemporalStateFeatures.HazardName];
        var features = new FeatureMatrix(synthetic.Rows, names.Length, names);
        synthetic.AsSpan().CopyTo(features.AsSpan());
        var (learners, log) = TemporalHazardFitTests.Data();
        var temporal = TemporalStateFeatures.Fit(learners, log, TemporalHazardFitTests.TrainUntil, new ProgressionOptions { PseudoCount = alpha, StrugglingBelow = 45 });
        return new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }).Fit(features, labels).WithTemporal(temporal);
    }

    private static JsonNode Saved(ChurnModel model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return JsonNode.Parse(stream.ToArray())!;
    }

    private static ChurnModel Load(JsonNode file)
    {
        using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(file));
        return ChurnModel.Load(stream);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Save_TemporalModel_FileHoldsTheHandCountedHazards(double alpha)
    {
        var file = Saved(TemporalModel(alpha));
        var section = file["Temporal"]!;
        section["Progression"]!["PseudoCount"]!.GetValue<double>().Should().Be(alpha);
        section["Progression"]!["StrugglingBelow"]!.GetValue<double>().Should().Be(45);
        var probabilities = section["Probabilities"]!.AsArray();
        foreach (var s in Enum.GetValues<LearnerState>())
        {
            probabilities[(int)s]![(int)LearnerState.Churned]!.GetValue<double>().Should().BeApproximately(TemporalHazardFitTests.HandHazard(s, alpha), 1e-15, s.ToString());
            section["Counts"]![(int)s]!.AsArray().Select(c => c!.GetValue<long>()).Should().Equal(TemporalHazardFitTests.HandCounts[(int)s]);
        }
    }

    [Fact]
    public void SaveLoad_TemporalModel_RebuildsTheSameColumnsAndScores()
    {
        var model = TemporalModel();
        var loaded = Load(Saved(model));
        loaded.Temporal.Should().NotBeNull();
        loaded.Temporal!.Progression.Options.Should().BeEquivalentTo(model.Temporal!.Progression.Options);
        foreach (var s in Enum.GetValues<LearnerState>())
        {
            loaded.Temporal.Hazard.Hazard(s).Should().Be(model.Temporal.Hazard.Hazard(s));
            loaded.Temporal.Hazard.ChurnedAfter(s, 3).Should().Be(model.Temporal.Hazard.ChurnedAfter(s, 3));
        }

        var (learners, log) = TemporalHazardFitTests.Data();
        var builder = new EarlyWarningDataBuilder();
        var names = builder.FeatureNamesFor(learners, model.Temporal);
        var asOf = TemporalHazardFitTests.TrainUntil;
        builder.Features(learners, log, asOf, names, loaded.Temporal).AsSpan().ToArray()
            .Should().Equal(builder.Features(learners, log, asOf, names, model.Temporal).AsSpan().ToArray());
        var (rows, _, _) = SyntheticChurn.Generate(300, 9);
        var input = new FeatureMatrix(rows.Rows, rows.Dimensions, model.FeatureNames);
        rows.AsSpan().CopyTo(input.AsSpan());
        var a = new double[input.Rows];
        var b = new double[input.Rows];
        model.PredictProbabilities(input, a);
        loaded.PredictProbabilities(input, b);
        b.Should().Equal(a);
    }

    [Fact]
    public void Load_FileWrittenBeforeTheTemporalSection_LoadsWithoutTemporal()
    {
        // tests/reference/churn/legacy_model/model.json was written by churn train at commit 7034d12, before this section existed
        using var stream = File.OpenRead(Path.Combine(SharedData.ReferenceDirectory, "churn", "legacy_model", "model.json"));
        var model = ChurnModel.Load(stream);
        model.Temporal.Should().BeNull();
        model.FeatureNames.Should().NotContain(n => n.StartsWith("temporal_", StringComparison.Ordinal));
    }

    [Fact]
    public void Save_ModelWithoutTemporal_WritesNoTemporalSection()
    {
        var (features, labels, _) = SyntheticChurn.Generate(800, 3);
        var file = Saved(new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }).Fit(features, labels));
        file.AsObject().ContainsKey("Temporal").Should().BeFalse("files of models without Temporal columns stay as they were");
    }

    public static TheoryData<string, string> MalformedSections => new()
    {
        { "row", "Probabilities row Dormant is not a distribution" },
        { "range", "Probabilities row Onboarding is not a distribution" },
        { "shape", "Probabilities is missing or not 6 × 6" },
        { "counts", "Counts row Active has a negative count" },
        { "options", "invalid Progression options" },
        { "no-options", "has no Progression options" },
        { "missing", "the file has no Temporal section" },
    };

    [Theory]
    [MemberData(nameof(MalformedSections))]
    public void Load_MalformedTemporalSection_ThrowsInvalidDataNamingIt(string defect, string message)
    {
        var file = Saved(TemporalModel());
        var section = file["Temporal"]!.AsObject();
        switch (defect)
        {
            case "row": section["Probabilities"]![(int)LearnerState.Dormant]![0] = 0.5; break;
            case "range": // still sums to 1, but one value is below 0
                var row = section["Probabilities"]![0]!;
                row[1] = row[1]!.GetValue<double>() + row[0]!.GetValue<double>() + 0.2;
                row[0] = -0.2;
                break;
            case "shape": section["Probabilities"]!.AsArray().RemoveAt(5); break;
            case "counts": section["Counts"]![(int)LearnerState.Active]![1] = -1; break;
            case "options": section["Progression"]!["PeriodDays"] = 0; break;
            case "no-options": section.Remove("Progression"); break;
            case "missing": file.AsObject().Remove("Temporal"); break;
        }

        var act = () => Load(file);
        act.Should().Throw<InvalidDataException>().WithMessage($"*Temporal*").And.Message.Should().Contain(message);
    }

    [Fact]
    public void Save_HazardWithoutAFileFormat_ThrowsAndWritesNothing()
    {
        var model = TemporalModel();
        var other = model.WithTemporal(model.Temporal! with { Hazard = new ConstantHazard() });
        using var stream = new MemoryStream();
        var act = () => other.Save(stream);
        act.Should().Throw<InvalidOperationException>().WithMessage("*ConstantHazard*TransitionMatrix*");
        stream.Length.Should().Be(0);
    }

    [Fact]
    public void WithTemporal_ModelWithoutTemporalColumns_ThrowsNamingTemporal()
    {
        var (features, labels, _) = SyntheticChurn.Generate(800, 3);
        var model = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }).Fit(features, labels);
        var act = () => model.WithTemporal(TemporalModel().Temporal!);
        act.Should().Throw<ArgumentException>().WithParameterName("temporal");
    }

    private sealed class ConstantHazard : IChurnHazard
    {
        public double Hazard(LearnerState state) => 0.5;

        public double ChurnedAfter(LearnerState state, int periods) => 0.5;
    }
}
