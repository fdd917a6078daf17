using CohortKit.Errors;
using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Csv;
using CohortKit.Temporal.Progression;
using CohortKit.Temporal.Retention;
using Spectre.Console;

namespace CohortKit.Cli.Temporal;

/// <summary>Next-state prediction on the held-out periods, against the "stays in the same state" baseline.</summary>
internal sealed record HeldOutResult(string After, long Transitions, double LogLoss, double Accuracy, double BaselineLogLoss, double BaselineAccuracy);

/// <summary>The JSON document of <c>cohortkit progression</c>.</summary>
internal sealed record ProgressionResult(
    IReadOnlyList<string> States,
    int PeriodDays,
    RetentionWindowResult Window,
    IReadOnlyList<long> StateCounts,
    IReadOnlyList<IReadOnlyList<long>> Transitions,
    IReadOnlyList<IReadOnlyList<double>> Probabilities,
    IReadOnlyList<double> ChurnHazard,
    HeldOutResult HeldOut,
    int LearnersOutsideWindow);

/// <summary><c>cohortkit progression</c>: learner states per week, the Markov transition matrix, and held-out log-loss
/// against the "stays in the same state" baseline.</summary>
internal static class ProgressionCommand
{
    private static readonly string[] StateNames = ["onboarding", "active", "struggling", "mastering", "dormant", "churned"];

    public static Command Create(CliConsole console)
    {
        var learners = new Option<FileInfo>("--learners") { Description = "learners.csv (learner_id, signup_date, attributes).", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.csv (learner_id, timestamp, kind, value).", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("progression", "Weekly learner states (onboarding, active, struggling, mastering, dormant, churned), their Markov transition matrix, and held-out next-state log-loss against 'stays in the same state'.")
        {
            learners, events, json,
        };
        command.SetAction(parse =>
        {
            var learnerTable = LearnerCsv.Load(parse.GetValue(learners)!.FullName);
            var eventsFile = parse.GetValue(events)!;
            var log = ActivityCsv.Load(eventsFile.FullName, learnerTable, rejectEventsBeforeSignup: true);
            var model = new ProgressionModel(new ProgressionOptions());
            var result = Run(model, learnerTable, log, eventsFile.Name);
            if (parse.GetValue(json))
            {
                console.WriteJson(result);
            }
            else
            {
                Write(console, result);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Holds out the last quarter of the window (at least two periods): the transitions that end there.</summary>
    private static ProgressionResult Run(ProgressionModel model, Learners.LearnerAttributes learners, Events.ActivityLog log, string eventsName)
    {
        LearnerStateHistory history;
        ObservationWindow window;
        try
        {
            window = ObservationWindow.Spanning(log);
            history = model.Classify(learners, log, window);
        }
        catch (ArgumentException ex) when (ex.ParamName == "log")
        {
            throw new ArgumentException($"{eventsName}: {ex.WithoutParameterName()}", ex);
        }

        var outside = 0;
        foreach (var signup in learners.SignupDates) { if (signup < window.Start || signup > window.End) { outside++; } }
        if (outside == learners.Count)
        {
            throw new ArgumentException($"{eventsName}: no learner signed up inside the observed window {window.Start:yyyy-MM-dd} .. {window.End:yyyy-MM-dd} (the days from the first to the last event); all {outside} signed up outside it, so there are no states to model.");
        }

        var periodDays = model.Options.PeriodDays;
        var days = window.End.DayNumber - window.Start.DayNumber + 1;
        var cutoff = window.End.AddDays(-Math.Max(2 * periodDays, days / 4));
        var all = model.Fit(history);
        ProgressionEvaluation evaluation;
        try
        {
            evaluation = model.Evaluate(model.Fit(history, cutoff), history, cutoff);
        }
        catch (ArgumentException ex) when (ex.ParamName == "heldOutAfter")
        {
            throw new ArgumentException($"{eventsName}: the events span {days} days, too few to train on and hold out the last {window.End.DayNumber - cutoff.DayNumber} ({ex.WithoutParameterName()})", ex);
        }

        var counts = new long[StateNames.Length];
        foreach (var s in history.States) { counts[(int)s]++; }
        return new ProgressionResult(
            StateNames, periodDays,
            new RetentionWindowResult(window.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), window.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            counts, all.Counts, all.Probabilities,
            Enum.GetValues<LearnerState>().Select(all.Hazard).ToArray(),
            new HeldOutResult(cutoff.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), evaluation.Transitions, evaluation.LogLoss, evaluation.Accuracy, evaluation.BaselineLogLoss, evaluation.BaselineAccuracy),
            outside);
    }

    private static void Write(CliConsole console, ProgressionResult r)
    {
        var table = new Table().AddColumn("from \\ to");
        foreach (var s in r.States) { table.AddColumn(s); }
        table.AddColumn("n");
        for (var i = 0; i < r.States.Count; i++)
        {
            table.AddRow([r.States[i], .. r.Probabilities[i].Select(p => p.ToString("F3", CultureInfo.InvariantCulture)), r.Transitions[i].Sum().ToString("N0", CultureInfo.InvariantCulture)]);
        }

        console.Ansi.WriteLine($"Weekly states from {r.Window.Start} to {r.Window.End}; transition probabilities (all data):");
        console.Ansi.Write(table);
        var h = r.HeldOut;
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Held out after {h.After} ({h.Transitions:N0} transitions): log-loss {h.LogLoss:F4} vs {h.BaselineLogLoss:F4} for 'stays'; accuracy {h.Accuracy:P1} vs {h.BaselineAccuracy:P1}."));
        console.Ansi.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.LearnersOutsideWindow:N0} learners signed up outside the window and are not modelled."));
    }
}
