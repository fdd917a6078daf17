// Quickstart: compose CohortKit through DI, simulate a platform, summarise a metric per segment.
using System.Globalization;
using CohortKit.Events;
using CohortKit.Hosting;
using CohortKit.Metrics;
using CohortKit.Simulation;
using CohortKit.Simulation.Hosting;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCohortKit().AddSimulation(o =>
{
    o.Learners = 20_000;
    o.Days = 60;
    o.Seed = 7;
});
using var provider = services.BuildServiceProvider();

var platform = provider.GetRequiredService<PlatformSimulator>().Generate();
Console.WriteLine($"{platform.Learners.Count:N0} learners, {platform.Activity.EventCount:N0} events over {platform.Days} days");

// Minutes per session by plan: one MetricSummary per segment, merged from per-learner summaries.
var plan = platform.Learners["plan"];
var byPlan = new MetricSummary[plan.Categories.Count];
for (var row = 0; row < platform.Learners.Count; row++)
{
    var events = platform.Activity.ForLearner(row);
    var learner = MetricSummary.Empty;
    for (var e = 0; e < events.Count; e++)
    {
        if (events.Kinds[e] == LearnerEventKind.Session)
        {
            learner = learner.Add(events.Values[e]);
        }
    }

    byPlan[plan.Codes[row]] = byPlan[plan.Codes[row]].Merge(learner);
}

for (var c = 0; c < byPlan.Length; c++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{plan.Categories[c],-6} minutes/session: {byPlan[c]}"));
}

var churned = platform.Truth.ChurnDay.Count(d => d >= 0 && d < platform.Days);
Console.WriteLine($"true churners inside the window: {churned:N0} ({(double)churned / platform.Learners.Count:P1})");
