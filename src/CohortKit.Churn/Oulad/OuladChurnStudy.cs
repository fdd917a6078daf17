using CohortKit.Churn.Evaluation;
using CohortKit.Churn.Models;
using CohortKit.Datasets.Oulad;

namespace CohortKit.Churn.Oulad;

/// <summary>Runs issue 11's OULAD tasks: features as of each row's day (<see cref="OuladChurnTask"/>), a churn model trained on the
/// 2013 presentations, evaluated on the 2014 ones.</summary>
/// <remarks>
/// <para><b>Eventual</b>: one row per registration still registered on the as-of day (registered by then, and no unregistration
/// on or before it); positive when <c>final_result = Withdrawn</c>.</para>
/// <para><b>Early warning</b>: rows at days D = 0, 7, 14, … while D + 14 is within the presentation, for registrations registered
/// by D and not unregistered by D + 7; positive when the registration is Withdrawn with its unregistration day in (D + 7, D + 14].</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class OuladChurnStudy
{
    private const double TopFraction = 0.1;
    private readonly ChurnModelTrainer _trainer;

    /// <summary>Creates a study with the default trainer (FastTree, Platt).</summary>
    public OuladChurnStudy()
        : this(new ChurnTrainerOptions())
    {
    }

    /// <summary>Creates a study.</summary>
    /// <param name="options">The trainer's settings; validated now.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public OuladChurnStudy(ChurnTrainerOptions options) => _trainer = new ChurnModelTrainer(options);

    /// <summary>Builds the rows, trains on 2013 and evaluates on 2014.</summary>
    /// <param name="data">The data (<see cref="OuladChurnData.Load"/>).</param>
    /// <param name="task">The task.</param>
    /// <param name="asOfDay">The as-of day of <see cref="OuladChurnTask.Eventual"/> (ignored by the early warning), from 0 to the
    /// longest presentation's last day.</param>
    /// <param name="cancellationToken">Checked between the steps.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOfDay"/> is outside every presentation.</exception>
    /// <exception cref="ArgumentException">The training or test rows are empty or hold one class only.</exception>
    public OuladChurnResult Run(OuladChurnData data, OuladChurnTask task, int asOfDay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var registrations = data.Registrations;
        var longest = registrations.Count == 0 ? 0 : registrations.ModuleLengths.ToArray().Max();
        if (task == OuladChurnTask.Eventual && (asOfDay < 0 || asOfDay >= longest))
        {
            throw new ArgumentOutOfRangeException(nameof(asOfDay), asOfDay, $"The as-of day must be from 0 to {longest - 1}, the last day of the longest presentation.");
        }

        using var activity = ChurnTelemetry.ActivitySource.StartActivity("OuladChurnStudy.Run");
        var builder = new OuladFeatureBuilder(data);
        var train = OuladSamples.Build(registrations, task, asOfDay, OuladSamples.IsTrain);
        var test = OuladSamples.Build(registrations, task, asOfDay, OuladSamples.IsTest);
        if (test.Count == 0) { throw new ArgumentException($"No 2014 registration is still registered on day {asOfDay}; the test set is empty.", nameof(asOfDay)); }
        var trainLabels = train.Select(s => s.Label).ToArray();
        var trainFeatures = builder.Build(train);
        cancellationToken.ThrowIfCancellationRequested();
        var model = _trainer.Fit(trainFeatures, trainLabels);
        cancellationToken.ThrowIfCancellationRequested();
        var testFeatures = builder.Build(test);
        var scores = new double[test.Count];
        model.PredictProbabilities(testFeatures, scores);
        var labels = test.Select(s => s.Label).ToArray();
        var evaluation = ChurnMetrics.Evaluate(scores, labels, topFraction: TopFraction);
        return new OuladChurnResult
        {
            Task = task,
            AsOfDay = task == OuladChurnTask.Eventual ? asOfDay : null,
            TrainRows = train.Count,
            TrainPositives = trainLabels.Count(y => y),
            FeatureNames = builder.Names,
            Test = evaluation,
            Auc = AucInterval.Compute(scores, labels, test.Select(s => s.Row).ToArray()),
            LeadTimes = task == OuladChurnTask.EarlyWarning ? LeadTimes(registrations, test, scores) : null,
        };
    }

    private static OuladLeadTimes LeadTimes(OuladRegistrations registrations, List<OuladSample> test, double[] scores)
    {
        var order = ChurnMetrics.DescendingOrder(scores);
        var threshold = scores[order[(int)Math.Ceiling(TopFraction * scores.Length) - 1]];
        var days = new List<int>();
        var withdrawals = 0;
        for (var i = 0; i < test.Count;)
        {
            var j = i;
            var positive = false;
            var firstAlert = -1;
            while (j < test.Count && test[j].Row == test[i].Row)
            {
                positive |= test[j].Label;
                if (firstAlert < 0 && scores[j] >= threshold) { firstAlert = test[j].Day; }
                j++;
            }

            if (positive)
            {
                withdrawals++;
                if (firstAlert >= 0) { days.Add(registrations.UnregistrationDays[test[i].Row]!.Value - firstAlert); }
            }

            i = j;
        }

        days.Sort();
        return new OuladLeadTimes { Withdrawals = withdrawals, Alerted = days.Count, AlertThreshold = threshold, Days = days };
    }
}
