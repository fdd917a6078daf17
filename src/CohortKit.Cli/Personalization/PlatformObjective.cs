using CohortKit.Personalization.Tuning;
using CohortKit.Simulation;

namespace CohortKit.Cli.Personalization;

/// <summary>The <c>platform</c> objective of <c>cohortkit tune</c>: platform levers set simulator parameters, and the
/// objective is the simulated engagement, active days per learner over 30 days (to maximise). The simulator seed is fixed
/// per run (common random numbers), so only <c>--noise</c> adds noise.</summary>
/// <remarks>Levers: lesson length (whole minutes, 5–60) sets the daily engagement decay, smallest at 25 minutes; the
/// difficulty ramp (0–1) sets how strongly low engagement leads to churn, least at 0.4; the reminder channel (email, push,
/// none) shifts mean engagement.</remarks>
internal static class PlatformObjective
{
    private const int Learners = 400;
    private const int Days = 30;

    public static SearchSpace Space { get; } = new(
        ParameterSpec.Integer("lesson_minutes", 5, 60),
        ParameterSpec.Continuous("difficulty_ramp", 0, 1),
        ParameterSpec.Categorical("reminder_channel", "email", "push", "none"));

    public static double Engagement(ParameterSet p, long seed)
    {
        var minutes = p["lesson_minutes"];
        var ramp = p["difficulty_ramp"];
        var channelBoost = p.Category("reminder_channel") switch { "push" => 0.06, "email" => 0.03, _ => 0.0 };
        var options = new SimulationOptions
        {
            Learners = Learners,
            Days = Days,
            Seed = seed,
            NewLearnerShare = 0,
            MeanEngagement = 0.45 + channelBoost,
            EngagementDecayPerDay = 0.004 + (0.03 * Math.Pow((minutes - 25) / 35, 2)),
            ChurnEngagementSensitivity = 1 + (8 * Math.Pow(ramp - 0.4, 2)),
            MaxDegreeOfParallelism = 1,
        };
        var activity = new PlatformSimulator(options).Generate().Activity;
        long activeDays = 0;
        for (var learner = 0; learner < activity.LearnerCount; learner++)
        {
            var last = long.MinValue;
            foreach (var t in activity.ForLearner(learner).Timestamps)
            {
                var day = t / TimeSpan.TicksPerDay;
                if (day != last) { activeDays++; last = day; }
            }
        }

        return (double)activeDays / activity.LearnerCount;
    }
}
