using CohortKit.Hosting;
using CohortKit.Regions.Hosting;
using CohortKit.Regions.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Regions.Tests.Hosting;

/// <summary>AddRegions: the default catalogue, validation at start, idempotence, configuration binding.</summary>
public sealed class RegionsCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddRegions_Default_ResolvesTheThreeRegionPolicy()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddRegions().Services.BuildServiceProvider();
        sp.GetRequiredService<ResidencyPolicy>().Regions.Select(r => r.Name).Should().Equal("americas", "eu", "asia");
    }

    [Fact]
    public void AddRegions_DataClassWithoutRegion_FailsAtStartNamingIt()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddRegions(o => o.UseDefaultCatalogue().DataClasses["Identity"].AllowedRegions.Clear()).Services.BuildServiceProvider();
        var act = () => sp.GetRequiredService<ResidencyPolicy>();
        act.Should().Throw<OptionsValidationException>().WithMessage("*DataClasses:Identity:AllowedRegions*");
    }

    [Fact]
    public void AddRegions_Twice_RegistersThePolicyAndValidatorOnce()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddRegions(o => o.UseDefaultCatalogue().KAnonymity = 50);
        var count = services.Count;
        services.AddCohortKit().AddRegions(o => o.UseDefaultCatalogue().KAnonymity = 50);
        services.Count.Should().Be(count + 1); // only the second Configure callback: every overload configures, as Configure does
        services.Count(d => d.ServiceType == typeof(ResidencyPolicy)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<RegionsOptions>)).Should().Be(1);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<ResidencyPolicy>().KAnonymity.Should().Be(50);
    }

    [Fact]
    public void AddRegions_Configuration_BindsTheCatalogue()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Regions:0:Name"] = "eu", ["Regions:0:Jurisdiction"] = "EU", ["Regions:0:Zones:0"] = "eu-a",
            ["HomeRegions:DE"] = "eu",
            ["DataClasses:Identity:AllowedRegions:0"] = "eu", ["DataClasses:ActivityEvents:AllowedRegions:0"] = "eu",
            ["DataClasses:ModelFeatures:AllowedRegions:0"] = "eu", ["DataClasses:Aggregates:AllowedRegions:0"] = "eu",
        }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddRegions(config).Services.BuildServiceProvider();
        sp.GetRequiredService<ResidencyPolicy>().HomeRegionOf("DE").Name.Should().Be("eu");
    }
}
