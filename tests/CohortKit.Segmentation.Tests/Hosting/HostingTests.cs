using CohortKit.Hosting;
using CohortKit.Segmentation.Discovery;
using CohortKit.Segmentation.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public void AddSegmentation_Twice_AddsNothingNew_AndResolvesTheConfiguredAnalyzer()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSegmentation(o => o.MinimumSegmentSize = 80);
        var count = services.Count;
        services.AddCohortKit().AddSegmentation();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<SegmentAnalyzer>().Options.MinimumSegmentSize.Should().Be(80);
    }

    [Fact]
    public void AddSegmentation_FromConfiguration_BindsTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Threshold"] = "0.1", ["MinimumLift"] = "0.02" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddSegmentation(configuration).Services.BuildServiceProvider();
        var options = sp.GetRequiredService<SegmentAnalyzer>().Options;
        options.Threshold.Should().Be(0.1);
        options.MinimumLift.Should().Be(0.02);
    }

    [Fact]
    public void InvalidOptions_ReportEveryFailure_ThroughDiAndTheConstructor()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddSegmentation(o => { o.Alpha = 2; o.MinimumSegmentSize = 1; o.MaxDegreeOfParallelism = 0; })
            .Services.BuildServiceProvider();
        var failures = ((Func<SegmentAnalyzer>)(() => sp.GetRequiredService<SegmentAnalyzer>())).Should().Throw<OptionsValidationException>().Which.Failures.ToList();
        failures.Should().HaveCount(4, "Alpha, MinimumSegmentSize, MaxDegreeOfParallelism, and Power (which must exceed Alpha)");
        ((Func<SegmentAnalyzer>)(() => new SegmentAnalyzer(new SegmentationOptions { Threshold = double.NaN })))
            .Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("Threshold");
        ((Func<SegmentAnalyzer>)(() => new SegmentAnalyzer(new SegmentationOptions { MinimumLift = double.PositiveInfinity, Test = (CohortKit.Experiments.Readout.TestChoice)9 })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MinimumLift*Test*");
    }

    [Fact]
    public void AddSegmentation_InvalidDiscoveryOptions_FailThroughDi_AndBindFromTheDiscoverySection()
    {
        using var bad = new ServiceCollection().AddCohortKit().AddSegmentation(null, d => d.K = 1).Services.BuildServiceProvider();
        ((Func<SegmentDiscovery>)(() => bad.GetRequiredService<SegmentDiscovery>())).Should().Throw<OptionsValidationException>().WithMessage("*K must be 0*");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Discovery:K"] = "6" }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddSegmentation(configuration).Services.BuildServiceProvider();
        sp.GetRequiredService<SegmentDiscovery>().Options.K.Should().Be(6);
    }

    [Fact]
    public void Analyzer_SnapshotsItsOptions()
    {
        var options = new SegmentationOptions { Threshold = 0.2 };
        var analyzer = new SegmentAnalyzer(options);
        options.Threshold = -1;
        analyzer.Options.Threshold.Should().Be(0.2);
    }
}
