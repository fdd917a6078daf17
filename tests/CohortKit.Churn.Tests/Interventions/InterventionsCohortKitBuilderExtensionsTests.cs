using CohortKit.Churn.Interventions;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Hosting;
using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Churn.Interventions.Storage;
using CohortKit.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>AddChurnInterventions: validation at start, idempotence, configuration binding, the SQLite store by default.</summary>
public sealed class InterventionsCohortKitBuilderExtensionsTests : IDisposable
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "Interventions", "intervention-playbook.json");
    private readonly string _directory = Directory.CreateTempSubdirectory("cohortkit-di-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void AddChurnInterventions_InvalidOptions_FailsWithTheOptionName()
    {
        using var sp = Services().AddCohortKit().AddChurnInterventions(o => o.RetryWindowDays = -1).Services.BuildServiceProvider();
        FluentActions.Invoking(() => sp.GetRequiredService<InterventionOrchestrator>())
            .Should().Throw<OptionsValidationException>().WithMessage("*RetryWindowDays*");
    }

    [Fact]
    public void AddChurnInterventions_Twice_AddsNothingNew()
    {
        var services = Services();
        services.AddCohortKit().AddChurnInterventions(Configure);
        var count = services.Count;
        services.AddCohortKit().AddChurnInterventions();
        services.Count.Should().Be(count);
    }

    [Fact]
    public async Task AddChurnInterventions_Default_ReadsThePlaybookAndPersistsInSqlite()
    {
        using var sp = Services().AddCohortKit().AddChurnInterventions(Configure).Services.BuildServiceProvider();

        var report = await sp.GetRequiredService<InterventionOrchestrator>().RunAsync([new(new CohortKit.Learners.LearnerId(3), 0.9, "old")]);

        sp.GetRequiredService<InterventionPlaybook>().Rules.Should().HaveCount(4);
        sp.GetRequiredService<IInterventionStore>().Should().BeOfType<SqliteInterventionStore>();
        (report.Planned + report.Withheld).Should().Be(1);
        File.Exists(Path.Combine(_directory, "decisions.db")).Should().BeTrue();
    }

    [Fact]
    public void AddChurnInterventions_BindsConfiguration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Targeting"] = "Uplift", ["RetryWindowDays"] = "5", ["PlaybookPath"] = ExamplePath,
        }).Build();
        using var sp = Services().AddCohortKit().AddChurnInterventions(config).Services.BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<InterventionOptions>>().Value;
        options.Targeting.Should().Be(InterventionTargeting.Uplift);
        options.RetryWindowDays.Should().Be(5);
    }

    [Fact]
    public void AddChurnInterventions_HostStore_IsKept()
    {
        var services = Services();
        var mine = new InMemoryInterventionStore();
        services.AddSingleton<IInterventionStore>(mine);
        using var sp = services.AddCohortKit().AddChurnInterventions(Configure).Services.BuildServiceProvider();
        sp.GetRequiredService<IInterventionStore>().Should().BeSameAs(mine);
    }

    private void Configure(InterventionOptions o)
    {
        o.PlaybookPath = ExamplePath;
        o.ConnectionString = $"Data Source={Path.Combine(_directory, "decisions.db")}";
    }

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IInterventionChannel, RecordingChannel>();
        return services;
    }
}
