using System.Diagnostics.Metrics;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Tests;

/// <summary>The meter is named for the package and a refusal is counted with its data class and target region only.</summary>
public sealed class RegionsTelemetryTests
{
    [Fact]
    public void Refusal_IsCountedWithoutLearnerData()
    {
        RegionsTelemetry.Name.Should().Be("CohortKit.Regions");
        var seen = new List<(long Value, KeyValuePair<string, object?>[] Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == RegionsTelemetry.Name && i.Name == "cohortkit.regions.refusals") { l.EnableMeasurementEvents(i); } };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => { lock (seen) { seen.Add((value, tags.ToArray())); } });
        listener.Start();
        using var audit = AuditLog.InMemory();
        var guard = new ResidencyGuard(ResidencyPolicy.Default, audit, new Pseudonymizer(new byte[16]));
        var act = () => guard.Ensure(ResidencyOperation.Read, DataClass.Identity, "learner-secret", guard.Policy.GetRegion("eu"), guard.Policy.GetRegion("asia"));
        act.Should().Throw<ResidencyViolationException>();
        lock (seen)
        {
            var m = seen.Should().ContainSingle(s => s.Tags.Any(t => t.Key == "target_region" && (string?)t.Value == "asia")).Which;
            m.Value.Should().Be(1);
            m.Tags.Select(t => t.Key).Should().BeEquivalentTo("data_class", "target_region");
            m.Tags.Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && v.Contains("learner", StringComparison.Ordinal));
        }
    }
}
