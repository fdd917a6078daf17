using System.CommandLine;
using System.Globalization;
using CohortKit.Churn.Models;
using CohortKit.Churn.Tabular;
using CohortKit.Cli.Output;
using Spectre.Console;

namespace CohortKit.Cli.Churn;

/// <summary><c>cohortkit churn train-table</c>: stratified k-fold cross-validation of a churn model on any labelled CSV.</summary>
internal static class TrainTableCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV (comma or semicolon, optional BOM) with a header and a label column.", Required = true };
        var label = new Option<string>("--label") { Description = "The label column.", Required = true };
        var positive = new Option<string>("--positive") { Description = "The label value that means churn; every other value is the other class.", Required = true };
        var exclude = new Option<string?>("--exclude") { Description = "Columns to leave out, comma-separated." };
        var folds = new Option<int>("--folds") { Description = "Number of stratified folds.", DefaultValueFactory = _ => 5 };
        var model = ChurnOptions.Model();
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var command = new Command("train-table", "Cross-validate a churn model (stratified folds) on a labelled table.")
        {
            input, label, positive, exclude, folds, model, seed, json,
        };
        command.SetAction(parse =>
        {
            var excluded = parse.GetValue(exclude) is { } e ? e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            var data = TabularDataset.Load(parse.GetValue(input)!.FullName, parse.GetValue(label)!, parse.GetValue(positive)!, excluded);
            var k = parse.GetValue(folds);
            var s = ChurnOptions.Seed(parse.GetValue(seed));
            var trainer = new ChurnModelTrainer(new ChurnTrainerOptions { ModelType = parse.GetValue(model), Seed = s });
            CrossValidationReport report;
            try
            {
                report = CrossValidator.Run(trainer, data.Features, data.Labels.Span, k, s);
            }
            catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "folds")
            {
                throw new ArgumentException($"--folds {k}: {ex.Message.Split(" (Parameter")[0]}", ex);
            }

            var result = new TrainTableReport
            {
                Rows = report.Rows,
                Positives = report.Positives,
                Folds = report.Folds.Count,
                Auc = report.Auc,
                AucStd = report.AucStandardDeviation,
                BalancedAccuracy = report.BalancedAccuracy,
                Accuracy = report.Accuracy,
                MajorityAccuracy = report.MajorityAccuracy,
                PrAuc = report.PrAuc,
                Brier = report.Brier,
            };
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
                return 0;
            }

            var table = new Table().AddColumns("metric", "value");
            foreach (var (name, value) in new[]
            {
                ("ROC AUC (mean ± sd over folds)", $"{F(result.Auc)} ± {F(result.AucStd)}"), ("PR AUC", F(result.PrAuc)),
                ("balanced accuracy", F(result.BalancedAccuracy)), ("accuracy", F(result.Accuracy)),
                ("majority-class accuracy", F(result.MajorityAccuracy)), ("Brier", F(result.Brier)),
            })
            {
                table.AddRow(name, value);
            }

            console.Ansi.Write(table);
            console.Ansi.WriteLine($"{result.Rows} rows, {result.Positives} positive, {result.Folds} stratified folds, model {parse.GetValue(model)}.");
            return 0;
        });
        return command;
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}

/// <summary>The JSON of <c>churn train-table</c>.</summary>
internal sealed record TrainTableReport
{
    public required int Rows { get; init; }

    public required int Positives { get; init; }

    public required int Folds { get; init; }

    public required double Auc { get; init; }

    public required double AucStd { get; init; }

    public required double BalancedAccuracy { get; init; }

    public required double Accuracy { get; init; }

    public required double MajorityAccuracy { get; init; }

    public required double PrAuc { get; init; }

    public required double Brier { get; init; }
}
