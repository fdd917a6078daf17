// Quickstart: compose CohortKit through DI, simulate a platform with a planted A/B test, summarise a metric per segment,
// read out the experiment, check the measurement with resampled A/A tests, and form cohorts of similar learners.
using System.Globalization;
using CohortKit.Events;
using CohortKit.Experiments;
using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Hosting;
using CohortKit.Experiments.Readout;
using CohortKit.Hosting;
using CohortKit.Metrics;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Similarity.Hosting;
using CohortKit.Simulation;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Hosting;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCohortKit()
    .AddSimulation(o =>
    {
        o.Learners = 20_000;
        o.Days = 60;
        o.Seed = 7;
        o.Experiment = new ExperimentDesign { Effects = [new("treatment", SimulatedMetric.Minutes, 0.10)] };
    })
    .AddExperiments(readout => readout.Correction = CohortKit.Experiments.Multiplicity.Correction.Holm, aa => aa.Iterations = 2_000)
    .AddSimilarity(cohorts => { cohorts.MinSize = 15; cohorts.MaxSize = 30; });
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

// The A/B readout (true effect: +10% minutes per session) and an A/A check of the same metrics.
var totals = LearnerActivitySummary.Compute(platform.Activity);
var minutes = new MetricColumn("minutes", totals.Minutes);
var lessons = new MetricColumn("lessons", totals.Lessons);
var readout = provider.GetRequiredService<ExperimentAnalyzer>().Analyze(
    new ExperimentData(platform.Learners["arm"], "control", [new(minutes), new(lessons, MetricRole.Guardrail)]) { Segment = plan });
foreach (var m in readout.Metrics)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{m.Metric}: {m.RelativeEffect:P2} [{m.RelativeInterval?.Low:P2}, {m.RelativeInterval?.High:P2}], adjusted p = {m.AdjustedPValue:G3} ({m.Adjustment})"));
}

Console.WriteLine(readout.Trustworthy ? "SRM check passed." : "Sample ratio mismatch: do not trust this readout.");
var aa = provider.GetRequiredService<AaTestValidator>().Rerandomize([minutes, lessons]);
foreach (var m in aa.Metrics)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"A/A {m.Metric}: false-positive rate {m.FalsePositiveRate:P2} [{m.FalsePositiveRateInterval.Low:P2}, {m.FalsePositiveRateInterval.High:P2}], KS p = {m.KsPValue:G3}, MDE {m.MinimumDetectableRelativeEffect:P2}"));
}

// Cohorts of 15–30 similar learners.
var features = provider.GetRequiredService<LearnerFeatureBuilder>().Build(platform.Learners, platform.Activity, platform.StartDate, platform.Days);
var former = provider.GetRequiredService<CohortFormer>();
var cohorts = former.Form(features);
var quality = CohortQuality.Evaluate(features, cohorts);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{quality.CohortCount} cohorts of {quality.MinSize}–{quality.MaxSize}: mean intra-cohort cosine {quality.MeanIntraSimilarity:F3} (random {quality.RandomBaselineSimilarity:F3})"));
Console.WriteLine("cohort 0 is grouped by " + string.Join(", ", quality.Explanations[0].Features.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Feature} {f.Mean:+0.00;-0.00}"))));

var churned = platform.Truth.ChurnDay.Count(d => d >= 0 && d < platform.Days);
Console.WriteLine($"true churners inside the window: {churned:N0} ({(double)churned / platform.Learners.Count:P1})");
