using System.Diagnostics;
using System.Globalization;
using CohortKit.Churn.Models;
using CohortKit.Churn.Oulad;
using CohortKit.Testing;
using Xunit.Abstractions;

namespace CohortKit.Churn.Tests.Oulad;

/// <summary>Issue 11's OULAD tasks, trained on 2013 and tested on 2014, against the peer's test AUCs quoted in the issue
/// (scikit-learn HistGradientBoosting on weekly clicks, demographics and assessments).</summary>
public sealed class OuladChurnStudyTests(OuladChurnFixture fixture, ITestOutputHelper output) : IClassFixture<OuladChurnFixture>
{
    /// <summary>Days 60 and 90: above the peer. Days 14 and 30: below it by less than the sampling error (the peer's AUC lies
    /// inside our 95 % interval), with the default trainer; docs/churn.md says so rather than tuning on the test set.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Run_EventualWithdrawal_BeatsThePeerAtDays60And90_AndIsWithinTheIntervalAt14And30()
    {
        var peer = new Dictionary<int, double> { [14] = 0.649, [30] = 0.698, [60] = 0.693, [90] = 0.702 };
        foreach (var (day, peerAuc) in peer)
        {
            var result = Timed(() => new OuladChurnStudy().Run(fixture.Data, OuladChurnTask.Eventual, day), $"eventual day {day}");
            result.Auc.Interval.Contains(result.Test.Auc).Should().BeTrue();
            result.Auc.Auc.Should().BeApproximately(result.Test.Auc, 1e-12);
            if (day >= 60)
            {
                result.Test.Auc.Should().BeGreaterThan(peerAuc, $"day {day}: the peer's AUC is {peerAuc}");
            }
            else
            {
                result.Auc.Interval.Contains(peerAuc).Should().BeTrue($"day {day}: the peer's AUC {peerAuc} is within our interval");
                result.Test.Auc.Should().BeGreaterThan(peerAuc - 0.01);
            }
        }
    }

    /// <summary>The configuration the 2013 folds preferred for eventual withdrawal (docs/churn.md, "Calibration ensemble and
    /// pooled days"): a 5-fold calibration ensemble trained on the rows of D − 7, D and D + 7. Above the peer at days 14, 60
    /// and 90; at day 30 equal to it (0.6983 against 0.698), so that day asserts only that the peer is inside the interval.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Run_EnsembleWithPooledDays_BeatsThePeerAtDays14_60_90_AndEqualsItAt30()
    {
        var peer = new Dictionary<int, double> { [14] = 0.649, [30] = 0.698, [60] = 0.693, [90] = 0.702 };
        var study = new OuladChurnStudy(OuladChurnStudy.AsEnsemble(new ChurnTrainerOptions())) { PoolDays = 7 };
        foreach (var (day, peerAuc) in peer)
        {
            var result = Timed(() => study.Run(fixture.Data, OuladChurnTask.Eventual, day), $"eventual day {day}, ensemble, pooled ±7");
            result.Trainer.CalibrationEnsemble.Should().BeTrue();
            if (day == 30)
            {
                result.Auc.Interval.Contains(peerAuc).Should().BeTrue($"day {day}: the peer's AUC {peerAuc} is within our interval");
                result.Test.Auc.Should().BeGreaterThan(peerAuc - 0.005);
            }
            else
            {
                result.Test.Auc.Should().BeGreaterThan(peerAuc, $"day {day}: the peer's AUC is {peerAuc}");
            }
        }
    }

    [DataFact("oulad_studentvle_parquet")]
    public void Run_EarlyWarning_BeatsThePeerAuc()
    {
        var result = Timed(() => new OuladChurnStudy().Run(fixture.Data, OuladChurnTask.EarlyWarning, 0), "early warning");
        result.Test.Auc.Should().BeGreaterThan(0.763, "the peer's AUC is 0.763");
        result.LeadTimes!.Days.Should().OnlyContain(d => d >= 8);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lead: {result.LeadTimes.Alerted}/{result.LeadTimes.Withdrawals} alerted, median {result.LeadTimes.Days[result.LeadTimes.Days.Count / 2]} days"));
    }

    /// <summary>Selection on the training presentations: every candidate gets a fold-mean AUC, the best is chosen (a candidate
    /// made constant by a huge leaf minimum scores exactly 0.5 and cannot win), and the test set is scored once, by the chosen settings.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Run_WithCandidates_ChoosesTheBestFoldMeanAucOnTrainingRowsOnly()
    {
        ChurnTrainerOptions[] candidates =
        [
            // Two leaves of at least 5,000 rows each cannot be cut from the ~7,800 rows a fold trains on: a constant score, AUC 0.5.
            new() { NumberOfTrees = 20, NumberOfLeaves = 2, MinimumExampleCountPerLeaf = 5000 },
            new() { NumberOfTrees = 40 },
        ];
        var result = Timed(() => new OuladChurnStudy(candidates, folds: 3).Run(fixture.Data, OuladChurnTask.Eventual, 30), "eventual day 30, selected");
        var selection = result.Selection!;
        selection.Folds.Should().Be(3);
        selection.CandidateAuc.Should().HaveCount(2);
        selection.CandidateAuc[0].Should().Be(0.5);
        selection.SelectedIndex.Should().Be(1);
        selection.CandidateAuc[1].Should().BeGreaterThan(selection.CandidateAuc[0]);
        selection.Selected.NumberOfTrees.Should().Be(40);
        result.Test.Auc.Should().BeGreaterThan(0.65);
    }

    /// <summary>A chosen calibration ensemble is refitted as the ensemble that was cross-validated: its own member count (3),
    /// not the selection's folds (5), which the refit used to impose on it, so the model tested was not the one chosen.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Run_WithEnsembleCandidates_RefitsTheChosenEnsembleWithItsOwnMembers()
    {
        ChurnTrainerOptions[] candidates =
        [
            OuladChurnStudy.AsEnsemble(new ChurnTrainerOptions { NumberOfTrees = 5 }, folds: 3),
            OuladChurnStudy.AsEnsemble(new ChurnTrainerOptions { NumberOfTrees = 5, NumberOfLeaves = 4 }, folds: 3),
        ];
        var result = new OuladChurnStudy(candidates, folds: 5).Run(fixture.Data, OuladChurnTask.Eventual, 14);
        result.Selection!.Selected.CalibrationFolds.Should().Be(3);
        (result.Trainer.CalibrationEnsemble, result.Trainer.CalibrationFolds).Should().Be((true, 3));
    }

    [Fact]
    public void Constructor_BadCandidatesOrFolds_ThrowsNamingThem()
    {
        FluentActions.Invoking(() => new OuladChurnStudy(Array.Empty<ChurnTrainerOptions>())).Should().Throw<ArgumentException>().WithParameterName("candidates");
        FluentActions.Invoking(() => new OuladChurnStudy([new ChurnTrainerOptions()], folds: 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("folds");
        FluentActions.Invoking(() => new OuladChurnStudy([new ChurnTrainerOptions { NumberOfTrees = 0 }])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("NumberOfTrees");
    }

    /// <summary>Pooling: the training rows are the 2013 registrations still registered on each of D − 7, D, D + 7 (counted here
    /// from the registration days), the test rows those of day D alone; the early warning ignores it.</summary>
    [DataFact("oulad_studentvle_parquet")]
    public void Run_PoolDays_TrainsOnTheRowsOfThreeDays_AndTestsOnDayD()
    {
        var registrations = fixture.Data.Registrations;
        int Eligible(int day, string year) => Enumerable.Range(0, registrations.Count).Count(r =>
            registrations.Presentation[r].StartsWith(year, StringComparison.Ordinal)
            && !(registrations.RegistrationDays[r] > day)
            && !(registrations.UnregistrationDays[r] <= day));
        var quick = new ChurnTrainerOptions { NumberOfTrees = 20 };
        var result = new OuladChurnStudy(quick) { PoolDays = 7 }.Run(fixture.Data, OuladChurnTask.Eventual, 14);
        result.TrainingDays.Should().Equal(7, 14, 21);
        result.TrainRows.Should().Be(Eligible(7, "2013") + Eligible(14, "2013") + Eligible(21, "2013"));
        result.Test.Count.Should().Be(Eligible(14, "2014"));
        new OuladChurnStudy(quick) { PoolDays = 7 }.Run(fixture.Data, OuladChurnTask.Eventual, 3).TrainingDays.Should().Equal(3, 10);
        var unpooled = new OuladChurnStudy(quick).Run(fixture.Data, OuladChurnTask.Eventual, 14);
        unpooled.TrainingDays.Should().Equal(14);
        unpooled.TrainRows.Should().Be(Eligible(14, "2013"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(61)]
    public void PoolDays_OutOfRange_ThrowsNamingIt(int days) =>
        FluentActions.Invoking(() => new OuladChurnStudy { PoolDays = days }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PoolDays");

    [Fact]
    public void AsEnsemble_CopiesTheSettingsAsAFoldEnsemble_AndRefusesWhatCannotBeOne()
    {
        var given = new ChurnTrainerOptions { NumberOfTrees = 77 };
        var ensemble = OuladChurnStudy.AsEnsemble(given);
        (ensemble.CalibrationEnsemble, ensemble.CalibrationFolds, ensemble.NumberOfTrees).Should().Be((true, 5, 77));
        (given.CalibrationEnsemble, given.CalibrationFolds).Should().Be((false, 0), "the given settings are not changed");
        FluentActions.Invoking(() => OuladChurnStudy.AsEnsemble(new ChurnTrainerOptions { ModelType = ChurnModelType.Logistic }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ChurnTrainerOptions.CalibrationEnsemble));
        FluentActions.Invoking(() => OuladChurnStudy.AsEnsemble(given, folds: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(ChurnTrainerOptions.CalibrationFolds));
    }

    private OuladChurnResult Timed(Func<OuladChurnResult> run, string name)
    {
        var clock = Stopwatch.StartNew();
        var r = run();
        var e = r.Test;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: train {r.TrainRows} ({r.TrainPositives} pos), test {e.Count} (rate {e.PositiveRate:0.0000}), AUC {e.Auc:0.0000} [{r.Auc.Interval.Low:0.0000}, {r.Auc.Interval.High:0.0000}], PR AUC {e.PrAuc:0.0000}, acc {e.Accuracy:0.000} maj {e.MajorityAccuracy:0.000} bal {e.BalancedAccuracy:0.000}, Brier {e.Brier:0.0000}, top10 P {e.TopPrecision:0.000} R {e.TopRecall:0.000}, {clock.Elapsed.TotalSeconds:0.0} s"));
        return r;
    }
}
