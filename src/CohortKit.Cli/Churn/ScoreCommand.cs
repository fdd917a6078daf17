using System.CommandLine;
using CohortKit.Churn.EarlyWarning;
using CohortKit.Churn.Models;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Tables;
using Spectre.Console;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn score</c>: batch scoring of every learner signed up by the as-of date.</summary>
internal static class ScoreCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<FileInfo>("--model") { Description = "A model written by churn train --out (a --temporal model carries its state rules and hazard).", Required = true };
        var learners = new Option<FileInfo>("--learners") { Description = "learners.csv (CohortKit format).", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.csv (CohortKit format).", Required = true };
        var asOf = new Option<DateOnly>("--as-of") { Description = "Score with features as of this date (yyyy-MM-dd).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "CSV to write: learner_id,churn_probability.", Required = true };
        var command = new Command("score", "Score learners' churn probability with a trained model.") { model, learners, events, asOf, output };
        command.SetAction(parse =>
        {
            ChurnModel fitted;
            using (var stream = File.OpenRead(parse.GetValue(model)!.FullName)) { fitted = ChurnModel.Load(stream); }
            var people = LearnerCsv.Load(parse.GetValue(learners)!.FullName);
            var log = ActivityCsv.Load(parse.GetValue(events)!.FullName, people);
            var day = parse.GetValue(asOf);
            var builder = new EarlyWarningDataBuilder();
            CohortKit.Features.FeatureMatrix features;
            try
            {
                features = builder.Features(people, log, day, fitted.FeatureNames, fitted.Temporal);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "asOf")
            {
                throw new ArgumentException($"--as-of {day:yyyy-MM-dd}: {e.Message.Split(" (Parameter")[0]}", e);
            }

            var scores = new double[features.Rows];
            fitted.PredictProbabilities(features, scores);
            var rows = Enumerable.Range(0, people.Count).Where(r => people.SignupDates[r] <= day).ToArray();
            CsvTable.Save(parse.GetValue(output)!.FullName,
            [
                CsvColumn.Of("learner_id", rows.Select(r => people.Ids[r].Value).ToArray()),
                CsvColumn.Of("churn_probability", rows.Select(r => scores[r]).ToArray()),
            ]);
            console.Ansi.WriteLine($"Scored {rows.Length} learners as of {day:yyyy-MM-dd}.");
            return 0;
        });
        return command;
    }
}
