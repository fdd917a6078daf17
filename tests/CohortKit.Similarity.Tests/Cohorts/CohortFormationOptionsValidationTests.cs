using CohortKit.Hosting;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Issue 16 §1: invalid cohort options are reported all at once, through the constructor and through DI.</summary>
public class CohortFormationOptionsValidationTests
{
    private static void MakeInvalid(CohortFormationOptions o)
    {
        o.MinSize = 0;
        o.MaxSize = -1;
        o.Iterations = 0;
        o.PartSize = -5;
        o.MinDistinct = 0;
        o.MaxPerValue = 0;
        o.MaxDegreeOfParallelism = 0;
    }

    private static readonly string[] Invalid = ["MinSize", "MaxSize", "Iterations", "PartSize", "MinDistinct", "MaxPerValue", "MaxDegreeOfParallelism"];

    [Fact]
    public void Constructor_ListsEveryInvalidOption()
    {
        var options = new CohortFormationOptions();
        MakeInvalid(options);
        var ex = ((Func<CohortFormer>)(() => new CohortFormer(options))).Should().Throw<ArgumentOutOfRangeException>().Which;
        ex.ParamName.Should().Be("MinSize");
        foreach (var name in Invalid) { ex.Message.Should().Contain(name + ":"); }
    }

    [Fact]
    public void TargetSizeOutsideTheBounds_IsReportedWithTheOthers()
    {
        var ex = ((Func<CohortFormer>)(() => new CohortFormer(new CohortFormationOptions { TargetSize = 40, Iterations = 0 })))
            .Should().Throw<ArgumentOutOfRangeException>().Which;
        ex.ParamName.Should().Be("TargetSize");
        ex.Message.Should().Contain("TargetSize:").And.Contain("Iterations:");
    }

    [Fact]
    public void DependencyInjection_ListsEveryInvalidOption()
    {
        using var sp = new ServiceCollection().AddCohortKit().AddSimilarity(MakeInvalid).Services.BuildServiceProvider();
        var ex = ((Func<CohortFormer>)(() => sp.GetRequiredService<CohortFormer>())).Should().Throw<OptionsValidationException>().Which;
        ex.Failures.Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]).Should().Equal(Invalid);
    }

    [Fact]
    public void Former_KeepsTheOptionsItValidated()
    {
        var options = new CohortFormationOptions { MinSize = 12, MaxSize = 20 };
        var former = new CohortFormer(options);
        options.MaxSize = 5;
        options.MinSize = 40;
        former.Options.MinSize.Should().Be(12);
        former.Options.MaxSize.Should().Be(20);
    }
}
