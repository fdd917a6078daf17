using CohortKit.Hosting;
using CohortKit.Temporal.Hosting;
using CohortKit.Temporal.Progression;
using CohortKit.Temporal.Retention;
using CohortKit.Temporal.Survival;
using CohortKit.Temporal.Tracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Tests.Hosting;

/// <summary>AddTemporal: validation at start, idempotence, configuration binding; the constructors validate the same rules.</summary>
public class TemporalCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddTemporal_InvalidOptions_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddTemporal(o => o.ConfidenceLevel = 1).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<SurvivalAnalyzer>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*ConfidenceLevel*");
    }

    [Fact]
    public void AddTemporal_InvalidRetentionOptions_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddTemporal(null, r => r.MaxDegreeOfParallelism = 0).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<RetentionAnalyzer>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*MaxDegreeOfParallelism*");
    }

    [Fact]
    public void AddTemporal_InvalidProgressionOptions_FailsAtStartListingEach()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddTemporal(null, null, p => { p.PeriodDays = 0; p.PseudoCount = -1; }).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<ProgressionModel>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*PeriodDays*").And.Failures.Should().HaveCount(2);
    }

    [Fact]
    public void AddTemporal_InvalidTrackerOptions_FailsAtStart_AndTheConstructorNamesTheOption()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddTemporal(null, null, null, t => t.Alpha = 0).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<CohortTracker>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*Alpha*");
        var direct = () => new CohortTracker(new CohortTrackerOptions { CompositionThreshold = -1 });
        direct.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("CompositionThreshold");
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var act = () => new SurvivalAnalyzer(new SurvivalOptions { ConfidenceLevel = double.NaN });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("ConfidenceLevel");
    }

    [Fact]
    public void AddTemporal_Twice_AddsNothingNew_AndResolves()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddTemporal(o => o.ConfidenceLevel = 0.9);
        var count = services.Count;
        services.AddCohortKit().AddTemporal();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<SurvivalAnalyzer>().Options.ConfidenceLevel.Should().Be(0.9);
    }

    [Fact]
    public void AddTemporal_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Survival:ConfidenceLevel"] = "0.8", ["Retention:MaxDegreeOfParallelism"] = "1", ["Progression:PeriodDays"] = "14", ["Tracking:Alpha"] = "0.01" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddTemporal(config).Services.BuildServiceProvider();
        var analyzer = sp.GetRequiredService<SurvivalAnalyzer>();
        analyzer.Options.ConfidenceLevel.Should().Be(0.8);
        analyzer.KaplanMeier([1.0, 2, 3], [true, true, false]).Intervals.Should().OnlyContain(i => i.Level == 0.8);
        sp.GetRequiredService<RetentionAnalyzer>().Options.MaxDegreeOfParallelism.Should().Be(1);
        sp.GetRequiredService<ProgressionModel>().Options.PeriodDays.Should().Be(14);
        sp.GetRequiredService<CohortTracker>().Options.Alpha.Should().Be(0.01);
    }

    [Fact]
    public void Options_AreSnapshotted_LaterChangesDoNotReachTheEngine()
    {
        var options = new SurvivalOptions { ConfidenceLevel = 0.9 };
        var analyzer = new SurvivalAnalyzer(options);
        options.ConfidenceLevel = 5;
        analyzer.Options.ConfidenceLevel.Should().Be(0.9);
    }
}
