using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;
using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Learners;
using Microsoft.Extensions.Logging;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>The orchestrator counts by action only and logs counts only: no learner id reaches a metric or a log.</summary>
public sealed class InterventionTelemetryTests
{
    private const string Action = "telemetry_probe_action"; // unique, so counters from tests running in parallel are ignored
    private const long LearnerBase = 987_654_321;

    [Fact]
    public async Task RunAsync_CountsPerActionAndLogsNoLearnerId()
    {
        var measurements = new List<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ChurnTelemetry.Name && instrument.Name.StartsWith("cohortkit.churn.interventions.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Any(t => Equals(t.Value, Action)))
            {
                lock (measurements) { measurements.Add((instrument.Name, value, tags.ToArray())); }
            }
        });
        listener.Start();
        var logger = new CapturingLogger();
        var channel = new RecordingChannel { FailCall = call => call == 1 };
        var scores = Enumerable.Range(0, 6).Select(i => new LearnerScore(new LearnerId(LearnerBase + i), 0.9, "a")).ToArray();
        var orchestrator = new InterventionOrchestrator(Playbooks.Single(budget: 6, action: Action), new InMemoryInterventionStore(), channel,
            timeProvider: new FakeTimeProvider(Playbooks.Start), logger: logger);

        await orchestrator.RunAsync(scores);

        int Sum(string name) => (int)measurements.Where(m => m.Instrument == name).Sum(m => m.Value);
        Sum("cohortkit.churn.interventions.planned").Should().Be(6);
        Sum("cohortkit.churn.interventions.sent").Should().Be(5);
        Sum("cohortkit.churn.interventions.failed").Should().Be(1);
        measurements.SelectMany(m => m.Tags).Select(t => t.Key).Distinct().Should().Equal("action");
        logger.Lines.Should().Contain(l => l.Contains("5 sent, 1 failed"));
        var idPrefix = LearnerBase.ToString(System.Globalization.CultureInfo.InvariantCulture)[..6];
        logger.Lines.Should().NotContain(l => l.Contains(idPrefix));
    }

    private sealed class CapturingLogger : ILogger<InterventionOrchestrator>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            Lines.Add($"{formatter(state, exception)} | {values} | {exception}");
        }
    }
}
