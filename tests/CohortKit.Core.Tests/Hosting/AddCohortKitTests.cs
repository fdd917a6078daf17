using CohortKit.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CohortKit.Core.Tests.Hosting;

public class AddCohortKitTests
{
    private sealed class FixedClock : TimeProvider;

    [Fact]
    public void AddCohortKit_Twice_AddsNothingNew()
    {
        var services = new ServiceCollection();
        services.AddCohortKit();
        var count = services.Count;
        services.AddCohortKit().Services.Should().BeSameAs(services);
        services.Count.Should().Be(count);
    }

    [Fact]
    public void AddCohortKit_KeepsAHostsTimeProvider()
    {
        var clock = new FixedClock();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddCohortKit();
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<TimeProvider>().Should().BeSameAs(clock);
    }

    [Fact]
    public void AddCohortKit_DefaultsToSystemTime()
    {
        using var sp = new ServiceCollection().AddCohortKit().Services.BuildServiceProvider();
        sp.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
    }
}
