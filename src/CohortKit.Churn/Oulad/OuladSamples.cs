using CohortKit.Datasets.Oulad;

namespace CohortKit.Churn.Oulad;

/// <summary>One labelled row of an OULAD task: a registration as of a day (relative to its presentation's start).</summary>
internal readonly record struct OuladSample(int Row, int Day, bool Label);

/// <summary>The rows and labels of the two tasks. Only labels and eligibility read the final result and unregistration day.</summary>
internal static class OuladSamples
{
    /// <summary>The label window of the early warning, (D + LeadStart, D + LeadEnd].</summary>
    public const int LeadStart = 7;

    /// <summary>See <see cref="LeadStart"/>.</summary>
    public const int LeadEnd = 14;

    /// <summary>The weekly step of the early warning's as-of days.</summary>
    public const int Step = 7;

    /// <summary>The rows of the registrations whose presentation <paramref name="include"/> accepts, in registration order and
    /// ascending day within a registration.</summary>
    public static List<OuladSample> Build(OuladRegistrations registrations, OuladChurnTask task, int asOfDay, Func<string, bool> include)
    {
        var samples = new List<OuladSample>();
        var results = registrations.FinalResults;
        for (var r = 0; r < registrations.Count; r++)
        {
            if (!include(registrations.Presentation[r])) { continue; }
            var registered = registrations.RegistrationDays[r];
            var left = registrations.UnregistrationDays[r];
            var withdrawn = results[r] == OuladFinalResult.Withdrawn;
            if (task == OuladChurnTask.Eventual)
            {
                if (registered <= asOfDay || registered is null)
                {
                    if (left is null || left > asOfDay) { samples.Add(new(r, asOfDay, withdrawn)); }
                }

                continue;
            }

            for (var day = 0; day + LeadEnd <= registrations.ModuleLengths[r]; day += Step)
            {
                if (registered > day) { continue; }
                if (left <= day + LeadStart) { break; }
                samples.Add(new(r, day, withdrawn && left > day + LeadStart && left <= day + LeadEnd));
            }
        }

        return samples;
    }

    /// <summary>Train on the 2013 presentations, test on the 2014 ones.</summary>
    public static bool IsTrain(string presentation) => presentation.StartsWith("2013", StringComparison.Ordinal);

    /// <summary>See <see cref="IsTrain"/>.</summary>
    public static bool IsTest(string presentation) => presentation.StartsWith("2014", StringComparison.Ordinal);
}
