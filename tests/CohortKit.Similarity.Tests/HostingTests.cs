using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests;

public class HostingTests
{
    [Fact]
    public void AddSimilarity_Twice_AddsNothingNew_AndValidatesOptions()
    {
        var services = new ServiceCollection();
        services.AddCohortKit().AddSimilarity(o => o.MinSize = 12);
        var count = services.Count;
        services.AddCohortKit().AddSimilarity();
        services.Count.Should().Be(count);
        using (var sp = services.BuildServiceProvider())
        {
            sp.GetRequiredService<CohortFormer>().Options.MinSize.Should().Be(12);
        }

        using var bad = new ServiceCollection().AddCohortKit().AddSimilarity(o => o.MaxSize = 5).Services.BuildServiceProvider();
        ((Func<CohortFormer>)(() => bad.GetRequiredService<CohortFormer>())).Should().Throw<OptionsValidationException>().WithMessage("*MaxSize*");
    }
}
