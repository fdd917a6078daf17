using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Personalization.Tuning;
using CohortKit.Randomness;
using Spectre.Console;

namespace CohortKit.Cli.Personalization;

/// <summary>A trial in the JSON of <c>cohortkit tune</c>: its observed value (noise included), its parameters, and for the
/// test functions the noise-free value at those parameters (null for <c>platform</c>, whose truth is itself simulated).</summary>
internal sealed record TuneBest(double Value, IReadOnlyDictionary<string, object> Parameters, double? TrueValue);

/// <summary>The JSON document of <c>cohortkit tune</c> (a contract: scripts depend on it exactly; <c>recommended</c> is added:
/// the trial the tuner recommends, which with noise is not the luckiest observation).</summary>
internal sealed record TuneReport(string Objective, string Sampler, int Evaluations, TuneBest Best, IReadOnlyList<double> Trajectory, TuneBest Recommended);

/// <summary><c>cohortkit tune</c>: GP-EI or random search on a test function (Branin, Hartmann-6) or on simulated platform engagement.</summary>
internal static class TuneCommand
{
    public static Command Create(CliConsole console)
    {
        var objective = new Option<string>("--objective") { Description = "branin (minimum 0.397887), hartmann6 (minimum -3.32237) or platform (simulated engagement, maximised).", Required = true };
        objective.AcceptOnlyFromAmong("branin", "hartmann6", "platform");
        var sampler = new Option<string>("--sampler") { Description = "gp (Gaussian process, Matérn 5/2, expected improvement) or random.", DefaultValueFactory = _ => "gp" };
        sampler.AcceptOnlyFromAmong("gp", "random");
        var budget = new Option<int>("--budget") { Description = "Number of evaluations.", DefaultValueFactory = _ => 60 };
        var noise = new Option<double>("--noise") { Description = "Standard deviation of normal noise added to each evaluation.", DefaultValueFactory = _ => 0 };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var command = new Command("tune", "Tune parameters by Bayesian optimisation (GP-EI) or random search, with ask/tell under the hood.")
        {
            objective, sampler, budget, noise, seed, json,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var n = parse.GetValue(budget);
            if (n is < 1 or > 10_000) { throw new ArgumentException($"--budget {n}: must be between 1 and 10,000."); }
            var sd = parse.GetValue(noise);
            if (!(sd is >= 0 and <= MaximumNoise)) { throw new ArgumentException($"--noise {sd.ToString(CultureInfo.InvariantCulture)}: must be a number from 0 to 1,000,000."); }
            var s = parse.GetValue(seed);
            var name = parse.GetValue(objective)!;
            var samplerName = parse.GetValue(sampler)!;
            var (space, f, direction) = name switch
            {
                "branin" => (TestObjectives.BraninSpace, (Func<ParameterSet, double>)TestObjectives.Branin, OptimizationDirection.Minimize),
                "hartmann6" => (TestObjectives.Hartmann6Space, TestObjectives.Hartmann6, OptimizationDirection.Minimize),
                _ => (PlatformObjective.Space, p => PlatformObjective.Engagement(p, s), OptimizationDirection.Maximize),
            };
            var random = new Xoshiro256(unchecked((ulong)s), 0x401);
            var tuner = new AdaptiveParameterTuner(space, new TunerOptions
            {
                Sampler = samplerName == "gp" ? TunerSampler.GaussianProcess : TunerSampler.Random,
                Direction = direction,
                Seed = s,
            });
            var result = tuner.Optimize(p => f(p) + (sd * random.NextGaussian()), n, cancellationToken: cancellationToken);
            TuneBest Describe(Trial trial) => new(trial.Value!.Value, trial.Parameters.ToDictionary(), name == "platform" ? null : f(trial.Parameters));
            var report = new TuneReport(name, samplerName, result.Trials.Count, Describe(result.Best), result.Trajectory, Describe(result.Recommended));
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
                return Task.FromResult(0);
            }

            var table = new Table().AddColumns("parameter", "recommended", "best observed");
            foreach (var (key, value) in report.Recommended.Parameters)
            {
                table.AddRow(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", Convert.ToString(report.Best.Parameters[key], CultureInfo.InvariantCulture) ?? "");
            }

            console.Ansi.Write(table);
            var observed = sd > 0 ? "observed, noise included" : "observed";
            console.Ansi.WriteLine($"best {observed} {Text(report.Best.Value)}{True(report.Best)}; recommended {Text(report.Recommended.Value)}{True(report.Recommended)}, after {report.Evaluations} evaluations ({samplerName}, {name}).");
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The largest <c>--noise</c>: beyond it a draw can overflow the objective to infinity.</summary>
    private const double MaximumNoise = 1e6;

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string True(TuneBest trial) => trial.TrueValue is { } t && t != trial.Value ? $" (true value {Text(t)})" : "";
}
