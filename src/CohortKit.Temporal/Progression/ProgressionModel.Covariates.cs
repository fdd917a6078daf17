using CohortKit.Experiments;

namespace CohortKit.Temporal.Progression;

/// <content>The covariate route: one multinomial logistic regression per origin state.</content>
public sealed partial class ProgressionModel
{
    /// <summary>Estimates a transition model whose probabilities depend on each learner's covariates: for every origin state a
    /// multinomial logistic regression of the next state on (1, covariates), by maximum likelihood (Newton–Raphson), with the
    /// ridge penalty <see cref="ProgressionOptions.CovariateL2"/> on the slopes when it is positive. The per-segment route is
    /// <see cref="FitBySegment"/>.</summary>
    /// <param name="history">The states.</param>
    /// <param name="covariates">Per-learner covariates (constant over time), one value per learner of the history, finite, with distinct names.</param>
    /// <param name="trainUntil">The last day of training data, or null for all.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">A covariate has another number of rows, a value is not finite, or two covariates share a name.</exception>
    /// <exception cref="Errors.CohortKitException">An origin state's maximum-likelihood estimate does not exist (the covariates
    /// separate its next states); a positive <see cref="ProgressionOptions.CovariateL2"/> always gives one.</exception>
    public CovariateTransitionModel FitWithCovariates(LearnerStateHistory history, IReadOnlyList<MetricColumn> covariates, DateOnly? trainUntil = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(covariates);
        var q = covariates.Count;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in covariates)
        {
            if (!names.Add(c.Name)) { throw new ArgumentException($"Two covariates are named '{c.Name}'.", nameof(covariates)); }
            if (c.Values.Length != history.LearnerCount) { throw new ArgumentException($"Covariate '{c.Name}' has {c.Values.Length} rows but the history has {history.LearnerCount} learners.", nameof(covariates)); }
            Guard.Finite(c.Values.Span, $"Covariate '{c.Name}'", nameof(covariates));
        }

        using var activity = TemporalTelemetry.ActivitySource.StartActivity("ProgressionModel.FitWithCovariates");
        // Training transitions grouped by origin: the learner row and the next state.
        var byOrigin = Enumerable.Range(0, TransitionMatrix.StateCount).Select(_ => new List<(int Learner, int To)>()).ToArray();
        ForEachTransition(history, trainUntil, (l, from, to) => byOrigin[from].Add((l, to)));
        var origins = new OriginStateRegression[TransitionMatrix.StateCount];
        for (var s = 0; s < origins.Length; s++)
        {
            origins[s] = FitOrigin((LearnerState)s, byOrigin[s], covariates, q);
        }

        return new CovariateTransitionModel { Covariates = covariates.Select(c => c.Name).ToArray(), L2 = _options.CovariateL2, Origins = origins };
    }

    /// <summary>Scores the covariate model's next-state predictions on held-out transitions, against the "stays" baseline, as
    /// <see cref="Evaluate(TransitionMatrix, LearnerStateHistory, DateOnly)"/> does for the Markov matrix.</summary>
    /// <param name="model">The model (fit on data up to <paramref name="heldOutAfter"/> for an honest score).</param>
    /// <param name="history">The states.</param>
    /// <param name="covariates">The covariates the model was fitted with, by name, one value per learner.</param>
    /// <param name="heldOutAfter">The last training day.</param>
    /// <returns>Log-loss and accuracy of model and baseline (an observed next state the model gives 0 makes the log-loss infinite).</returns>
    /// <exception cref="ArgumentException">A covariate of the model is missing or has another number of rows, or there is no
    /// transition before or after <paramref name="heldOutAfter"/>.</exception>
    public ProgressionEvaluation Evaluate(CovariateTransitionModel model, LearnerStateHistory history, IReadOnlyList<MetricColumn> covariates, DateOnly heldOutAfter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(covariates);
        var columns = model.Covariates.Select(name => covariates.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"Covariate '{name}' of the model is missing.", nameof(covariates))).ToArray();
        foreach (var c in columns)
        {
            if (c.Values.Length != history.LearnerCount) { throw new ArgumentException($"Covariate '{c.Name}' has {c.Values.Length} rows but the history has {history.LearnerCount} learners.", nameof(covariates)); }
        }

        var x = new double[columns.Length];
        return EvaluateCore(history, heldOutAfter, (learner, from) =>
        {
            for (var j = 0; j < x.Length; j++) { x[j] = columns[j].Values.Span[learner]; }
            return model.Probabilities((LearnerState)from, x);
        });
    }

    private OriginStateRegression FitOrigin(LearnerState from, List<(int Learner, int To)> rows, IReadOnlyList<MetricColumn> covariates, int q)
    {
        var counts = new long[TransitionMatrix.StateCount];
        foreach (var r in rows) { counts[r.To]++; }
        var reference = counts[(int)from] > 0 || rows.Count == 0 ? (int)from : Array.IndexOf(counts, counts.Max());
        var outcomes = new List<int> { reference };
        outcomes.AddRange(Enumerable.Range(0, counts.Length).Where(k => k != reference && counts[k] > 0));
        if (outcomes.Count == 1)
        {
            return new OriginStateRegression
            {
                From = from, Transitions = rows.Count, Reference = (LearnerState)reference, Outcomes = [(LearnerState)reference],
                Coefficients = [], StandardErrors = [], LogLikelihood = 0,
            };
        }

        var classOf = new int[TransitionMatrix.StateCount];
        for (var k = 0; k < outcomes.Count; k++) { classOf[outcomes[k]] = k; }
        var x = new double[rows.Count * q];
        var y = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < q; j++) { x[i * q + j] = covariates[j].Values.Span[rows[i].Learner]; }
            y[i] = classOf[rows[i].To];
        }

        var fit = MultinomialLogit.Fit(x, y, rows.Count, q, outcomes.Count, _options.CovariateL2, $"Transitions from {from}");
        return new OriginStateRegression
        {
            From = from,
            Transitions = rows.Count,
            Reference = (LearnerState)reference,
            Outcomes = outcomes.Select(k => (LearnerState)k).ToArray(),
            Coefficients = fit.Coefficients,
            StandardErrors = fit.StandardErrors,
            LogLikelihood = fit.LogLikelihood,
        };
    }
}
