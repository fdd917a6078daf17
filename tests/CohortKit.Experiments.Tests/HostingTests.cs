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
}
