using CohortKit.Churn.Hosting;
using CohortKit.Churn.Lifetimes;
using CohortKit.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Tests.Hosting;

/// <summary>AddChurn: validation at start, idempotence, configuration binding.</summary>
public sealed class ChurnCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddChurn_InvalidOptions_FailsAtStartListingEach()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddChurn(o => { o.MaxIterations = 0; o.GradientTolerance = -1; }).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<BgNbdFitter>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*MaxIterations*").And.Failures.Should().HaveCount(2);
    }

    [Fact]
    public void AddChurn_Twice_AddsNothingNew_AndResolves()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddChurn(o => o.MaxIterations = 77);
        var count = services.Count;
        services.AddCohortKit().AddChurn();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<BgNbdFitter>().Options.MaxIterations.Should().Be(77);
    }

    [Fact]
    public void AddChurn_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["BgNbd:MaxIterations"] = "12" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddChurn(config).Services.BuildServiceProvider();
        sp.GetRequiredService<BgNbdFitter>().Options.MaxIterations.Should().Be(12);
    }
}
