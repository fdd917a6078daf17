using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Evaluation;
using CohortKit.Personalization.Simulation;
using CohortKit.Randomness;
using CohortKit.Simulation;
using Spectre.Console;

namespace CohortKit.Cli.Personalization;

/// <summary>The JSON document of <c>cohortkit personalize simulate</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record SimulatePolicyReport(string Policy, int Rounds, double CumulativeReward, double CumulativeRegret, IReadOnlyDictionary<string, double> RegretAt);

/// <summary><c>cohortkit personalize simulate</c>: a policy run online against simulated learners whose latent skills are the
/// context and whose latent preferences (a linear function of them per action) are the ground truth of the regret.</summary>
internal static class SimulatePolicyCommand
{
    private const int MaxRounds = 10_000_000;
    private const int Learners = 2000;
    private const double Noise = 0.5;
    private static readonly string[] PolicyNames = ["linucb", "thompson", "epsilon", "random"];

    public static Command Create(CliConsole console)
    {
        var policy = new Option<string>("--policy") { Description = "linucb, thompson, epsilon or random.", Required = true };
        policy.AcceptOnlyFromAmong("linucb", "thompson", "epsilon", "random");
        var rounds = new Option<int>("--rounds") { Description = "Number of decisions.", Required = true };
        var actions = new Option<int>("--actions") { Description = "Number of actions.", DefaultValueFactory = _ => 5 };
        var features = new Option<int>("--features") { Description = "Context features per learner (the simulator's latent skills).", DefaultValueFactory = _ => 10 };
        var seed = CommonOptions.Seed();
        var chart = new Option<FileInfo?>("--chart") { Description = "Also write a PNG of cumulative regret, this policy beside the other three on the same learners (runs each)." };
        var logOut = new Option<FileInfo?>("--log-out") { Description = "Also write the run's interaction log (event_id,timestamp,action,propensity,reward,x_*) as CSV, for 'personalize evaluate'." };
        var json = CommonOptions.Json();
        var command = new Command("simulate", "Run a bandit policy online against simulated learners with known latent preferences; report reward and regret.")
        {
            policy, rounds, actions, features, seed, chart, logOut, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var n = Check(parse.GetValue(rounds), "--rounds", 1, MaxRounds);
            var k = Check(parse.GetValue(actions), "--actions", 2, 1000);
            var d = Check(parse.GetValue(features), "--features", 1, 256);
            var s = parse.GetValue(seed);
            var world = World(d, k, s);
            var name = parse.GetValue(policy)!;
            var logFile = parse.GetValue(logOut);
            var log = logFile is null ? null : new InteractionLogBuilder([.. Enumerable.Range(0, d).Select(f => string.Create(CultureInfo.InvariantCulture, $"x_skill{f}"))]);
            var result = BanditSimulation.Run(new BanditPolicyOptions { Policy = EvaluateCommand.Parse(name) }, world, n, s, log, cancellationToken: cancellationToken);
            if (logFile is not null) { InteractionLogFile.WriteCsv(logFile.FullName, log!.Build()); }
            if (parse.GetValue(chart) is { } file)
            {
                var all = PolicyNames
                    .Select(p => p == name ? result : BanditSimulation.Run(new BanditPolicyOptions { Policy = EvaluateCommand.Parse(p) }, world, n, s, cancellationToken: cancellationToken))
                    .ToList();
                RegretChart.Save(all, file.FullName, $"Cumulative regret: {k} actions, {d} features, {Learners:N0} simulated learners, seed {s}");
            }

            var report = new SimulatePolicyReport(name, result.Rounds, result.CumulativeReward, result.CumulativeRegret,
                result.RegretAt.ToDictionary(p => p.Round.ToString(CultureInfo.InvariantCulture), p => p.CumulativeRegret));
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return Task.FromResult(0);
            }

            var table = new Table().AddColumns("policy", "rounds", "cumulative reward", "cumulative regret", "regret per round");
            table.AddRow(name, n.ToString("N0", CultureInfo.InvariantCulture), Text(result.CumulativeReward), Text(result.CumulativeRegret), Text(result.CumulativeRegret / n));
            console.Ansi.Write(table);
            foreach (var (round, regret) in report.RegretAt) { console.Ansi.WriteLine($"regret at {round}: {Text(regret)}"); }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Learners from the platform simulator: their latent skills, standardised per dimension, are the context; each
    /// action's latent preference weights over them are drawn from the seed.</summary>
    internal static LearnerPreferences World(int features, int actions, long seed)
    {
        var platform = new PlatformSimulator(new SimulationOptions { Learners = Learners, Days = 1, SkillDimensions = features, Seed = seed, MaxDegreeOfParallelism = 1 }).Generate();
        var skills = platform.Truth.LatentSkills.Span;
        var contexts = new double[Learners * features];
        for (var f = 0; f < features; f++)
        {
            double sum = 0, sumSquares = 0;
            for (var i = 0; i < Learners; i++) { var x = skills[(i * features) + f]; sum += x; sumSquares += x * x; }
            var mean = sum / Learners;
            var sd = Math.Sqrt(Math.Max(sumSquares / Learners - (mean * mean), 1e-12));
            for (var i = 0; i < Learners; i++) { contexts[(i * features) + f] = (skills[(i * features) + f] - mean) / sd; }
        }

        var random = new Xoshiro256(unchecked((ulong)seed), 0xA11CE);
        return new LearnerPreferences(contexts, features, LearnerPreferences.RandomWeights(features, actions, ref random), Noise);
    }

    private static int Check(int value, string flag, int min, int max)
        => value >= min && value <= max ? value : throw new ArgumentException($"{flag} {value}: must be between {min:N0} and {max:N0}.");

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
