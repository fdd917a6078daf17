using Microsoft.Extensions.Configuration;
using CohortKit.Experiments.AaValidation;
using CohortKit.Experiments.Hosting;
using CohortKit.Experiments.Multiplicity;
using CohortKit.Experiments.Readout;
using CohortKit.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Tests.Hosting;

public class HostingTests
{
    [Fact]
    public void AddExperiments_Twice_AddsNothingNew_AndResolvesConfiguredServices()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddExperiments(r => r.Correction = Correction.Holm, a => a.Iterations = 77);
        var count = services.Count;
        services.AddCohortKit().AddExperiments();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ExperimentAnalyzer>().Options.Correction.Should().Be(Correction.Holm);
        sp.GetRequiredService<AaTestValidator>().Options.Iterations.Should().Be(77);
    }

    [Fact]
    public void AddExperiments_InvalidAaOptions_FailWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddExperiments(null, a => a.Split = 2).Services.BuildServiceProvider();
        ((Func<AaTestValidator>)(() => sp.GetRequiredService<AaTestValidator>())).Should().Throw<OptionsValidationException>().WithMessage("*Split*");
    }

    [Fact]
    public void AddExperiments_InvalidReadoutOptions_ReportEveryFailure_ThroughDiAndTheConstructor()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddExperiments(r => { r.Alpha = 2; r.MaxSegments = 0; }).Services.BuildServiceProvider();
        var failures = ((Func<ExperimentAnalyzer>)(() => sp.GetRequiredService<ExperimentAnalyzer>())).Should().Throw<OptionsValidationException>().Which.Failures.ToList();
        failures.Should().HaveCount(2);
        failures.Should().Contain(f => f.StartsWith("Alpha", StringComparison.Ordinal)).And.Contain(f => f.StartsWith("MaxSegments", StringComparison.Ordinal));
        ((Func<ExperimentAnalyzer>)(() => new ExperimentAnalyzer(new ReadoutOptions { MaxSegments = 0 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("MaxSegments");
    }

    [Fact]
    public void Engines_SnapshotTheirOptions_SoALaterChangeCannotBypassValidation()
    {
        var readout = new ReadoutOptions { Correction = Correction.Holm };
        var analyzer = new ExperimentAnalyzer(readout);
        readout.Alpha = 5;
        readout.Correction = Correction.None;
        analyzer.Options.Alpha.Should().Be(0.05);
        analyzer.Options.Correction.Should().Be(Correction.Holm);
        var aa = new AaValidationOptions { Iterations = 10 };
        var validator = new AaTestValidator(aa);
        aa.Iterations = 0;
        validator.Options.Iterations.Should().Be(10);
        validator.Options.Iterations = -1;
        validator.Options.Iterations.Should().Be(10, "Options hands out a copy");
    }

    [Fact]
    public void AddExperiments_FromConfiguration_BindsBothSections()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Readout:Correction"] = "Bonferroni",
            ["AaValidation:Iterations"] = "123",
        }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddExperiments(configuration).Services.BuildServiceProvider();
        sp.GetRequiredService<ExperimentAnalyzer>().Options.Correction.Should().Be(Correction.Bonferroni);
        sp.GetRequiredService<AaTestValidator>().Options.Iterations.Should().Be(123);
    }
}
