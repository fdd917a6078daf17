using CohortKit.Hosting;
using CohortKit.Personalization.Engine;
using CohortKit.Personalization.Evaluation;
using CohortKit.Personalization.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Tests.Hosting;

/// <summary>AddPersonalization: validation at start, idempotence, configuration binding.</summary>
public sealed class PersonalizationCohortKitBuilderExtensionsTests
{
    [Fact]
    public void AddPersonalization_InvalidOption_FailsAtStartWithTheOptionName()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddPersonalization(o => o.ContextFeatures = 0).Services.BuildServiceProvider();
        FluentActions.Invoking(() => sp.GetRequiredService<Personalizer>()).Should().Throw<OptionsValidationException>().WithMessage("*ContextFeatures*");
        using var sp2 = new ServiceCollection().AddCohortKit().AddPersonalization(null, e => e.Folds = 1).Services.BuildServiceProvider();
        FluentActions.Invoking(() => sp2.GetRequiredService<OffPolicyEvaluator>()).Should().Throw<OptionsValidationException>().WithMessage("*Folds*");
    }

    [Fact]
    public void AddPersonalization_Twice_AddsNothingNew_AndResolves()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddPersonalization(o => o.ContextFeatures = 7);
        var count = services.Count;
        services.AddCohortKit().AddPersonalization();
        services.Count.Should().Be(count);
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredService<Personalizer>().Options.ContextFeatures.Should().Be(7);
    }

    [Fact]
    public void AddPersonalization_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Personalizer:ContextFeatures"] = "12",
            ["Personalizer:Policy:Policy"] = "Thompson",
            ["Personalizer:RewardWaitTime"] = "00:01:00",
            ["OffPolicy:Folds"] = "3",
        }).Build();
        using var sp = new ServiceCollection().AddCohortKit().AddPersonalization(config).Services.BuildServiceProvider();
        var options = sp.GetRequiredService<Personalizer>().Options;
        options.ContextFeatures.Should().Be(12);
        options.Policy.Policy.Should().Be(BanditPolicy.Thompson);
        options.RewardWaitTime.Should().Be(TimeSpan.FromMinutes(1));
        sp.GetRequiredService<IOptions<OffPolicyOptions>>().Value.Folds.Should().Be(3);
    }
}
