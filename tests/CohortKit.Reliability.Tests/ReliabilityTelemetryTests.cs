namespace CohortKit.Reliability.Tests;

public sealed class ReliabilityTelemetryTests
{
    [Fact]
    public void MeterAndActivitySource_AreNamedAfterThePackage()
    {
        ReliabilityTelemetry.Meter.Name.Should().Be("CohortKit.Reliability");
        ReliabilityTelemetry.ActivitySource.Name.Should().Be("CohortKit.Reliability");
    }
}
