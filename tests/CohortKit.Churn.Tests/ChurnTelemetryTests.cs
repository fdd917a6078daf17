using FluentAssertions;
using Xunit;

namespace CohortKit.Churn.Tests;

public sealed class ChurnTelemetryTests
{
    [Fact]
    public void MeterAndActivitySource_AreNamedAfterThePackage()
    {
        ChurnTelemetry.Meter.Name.Should().Be("CohortKit.Churn");
        ChurnTelemetry.ActivitySource.Name.Should().Be("CohortKit.Churn");
    }
}
