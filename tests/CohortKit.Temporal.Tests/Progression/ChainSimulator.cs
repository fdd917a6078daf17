using CohortKit.Temporal.Progression;

namespace CohortKit.Temporal.Tests.Progression;

/// <summary>Ground truth for the progression tests: state sequences drawn from a known Markov chain.</summary>
internal static class ChainSimulator
{
    /// <summary>The true chain: rows Onboarding, Active, Struggling, Mastering, Dormant, Churned.</summary>
    public static readonly double[][] Truth =
    [
        [0.00, 0.55, 0.15, 0.10, 0.15, 0.05],
        [0.00, 0.60, 0.10, 0.10, 0.15, 0.05],
        [0.00, 0.25, 0.45, 0.02, 0.18, 0.10],
        [0.00, 0.20, 0.03, 0.65, 0.10, 0.02],
        [0.00, 0.30, 0.05, 0.05, 0.35, 0.25],
        [0.00, 0.05, 0.00, 0.00, 0.00, 0.95],
    ];

    public static LearnerStateHistory Simulate(double[][] truth, int learners, int periods, int seed, DateOnly? signup = null)
    {
        var random = new Random(seed);
        var offsets = new int[learners + 1];
        var states = new LearnerState[learners * periods];
        var signups = new DateOnly[learners];
        for (var l = 0; l < learners; l++)
        {
            signups[l] = signup ?? new DateOnly(2026, 1, 5);
            var s = 0;
            for (var k = 0; k < periods; k++)
            {
                states[l * periods + k] = (LearnerState)s;
                var u = random.NextDouble();
                var next = 0;
                for (var acc = truth[s][0]; u >= acc && next < truth[s].Length - 1; acc += truth[s][++next]) { }
                s = next;
            }

            offsets[l + 1] = (l + 1) * periods;
        }

        return new LearnerStateHistory(offsets, states, signups, 7);
    }
}
