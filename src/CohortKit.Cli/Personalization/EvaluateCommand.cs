using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Evaluation;
using Spectre.Console;

namespace CohortKit.Cli.Personalization;

/// <summary>One estimate in the JSON of <c>personalize evaluate</c>.</summary>
internal sealed record EstimateJson(double Value, double CiLow, double CiHigh)
{
    public static EstimateJson Of(PolicyValueEstimate e) => new(e.Value, e.Interval.Low, e.Interval.High);
}

/// <summary>The JSON document of <c>cohortkit personalize evaluate</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record EvaluateReport(int Rows, double EffectiveSampleSize, EstimateJson Logged, EstimateJson Ips, EstimateJson Snips, EstimateJson Dr);

/// <summary><c>cohortkit personalize evaluate</c>: IPS, SNIPS and doubly-robust estimates of a candidate policy's value from
/// an interaction log, the candidate given as target probabilities or as a built-in policy fitted on other folds.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliConsole console)
    {
        var log = new Option<FileInfo>("--log") { Description = "Interaction log: CSV with event_id,action,propensity,reward and x_* context columns (or the same as JSON lines, *.jsonl).", Required = true };
        var target = new Option<FileInfo?>("--target") { Description = "Target policy: CSV with event_id,action,probability (each event's probabilities sum to 1)." };
        var policy = new Option<string?>("--policy") { Description = "Built-in candidate, fitted on the other cross-fitting folds: linucb, thompson or epsilon." };
        policy.AcceptOnlyFromAmong("linucb", "thompson", "epsilon");
        var alpha = CommonOptions.Alpha();
        var json = CommonOptions.Json();
        var command = new Command("evaluate", "Off-policy evaluation: IPS, self-normalised IPS and doubly robust (cross-fitted ridge per action), with normal intervals and the effective sample size.")
        {
            log, target, policy, alpha, json,
        };
        command.SetAction(parse =>
        {
            var targetFile = parse.GetValue(target);
            var policyName = parse.GetValue(policy);
            if ((targetFile is null) == (policyName is null))
            {
                throw new ArgumentException("--target/--policy: give exactly one of them (a file of target probabilities, or linucb, thompson or epsilon).");
            }

            var logFile = parse.GetValue(log)!;
            var interactions = logFile.Extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase)
                ? InteractionLogFile.ReadJsonLines(logFile.FullName)
                : InteractionLogFile.ReadCsv(logFile.FullName);
            var evaluator = OptionFlags.Rename(
                () => new OffPolicyEvaluator(new OffPolicyOptions { Alpha = parse.GetValue(alpha) }),
                name => name == nameof(OffPolicyOptions.Alpha) ? "--alpha" : null);
            var report = targetFile is not null
                ? evaluator.Evaluate(interactions, TargetPolicy.ReadCsv(targetFile.FullName, interactions))
                : evaluator.Evaluate(interactions, new BanditPolicyOptions { Policy = Parse(policyName!) });
            var document = new EvaluateReport(report.Rows, report.EffectiveSampleSize, EstimateJson.Of(report.Logged), EstimateJson.Of(report.Ips),
                EstimateJson.Of(report.Snips), EstimateJson.Of(report.DoublyRobust));
            if (parse.GetValue(json))
            {
                console.WriteJson(document);
                return 0;
            }

            var level = (1 - report.Alpha).ToString("P0", CultureInfo.InvariantCulture);
            var table = new Table().AddColumns("estimator", "value", $"{level} CI low", $"{level} CI high");
            foreach (var (name, e) in new[] { ("logged policy", document.Logged), ("IPS", document.Ips), ("SNIPS", document.Snips), ("doubly robust", document.Dr) })
            {
                table.AddRow(name, Text(e.Value), Text(e.CiLow), Text(e.CiHigh));
            }

            console.Ansi.Write(table);
            console.Ansi.WriteLine($"{report.Rows:N0} rows, {report.Actions.Count} actions, effective sample size {Text(report.EffectiveSampleSize)}.");
            return 0;
        });
        return command;
    }

    /// <summary>The built-in policy of a CLI name (shared by <c>personalize evaluate</c> and <c>personalize simulate</c>).</summary>
    internal static BanditPolicy Parse(string name) => name switch
    {
        "linucb" => BanditPolicy.LinUcb,
        "thompson" => BanditPolicy.Thompson,
        "epsilon" => BanditPolicy.EpsilonGreedy,
        "random" => BanditPolicy.Random,
        _ => throw new ArgumentException($"--policy '{name}': use linucb, thompson, epsilon or random."),
    };

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
