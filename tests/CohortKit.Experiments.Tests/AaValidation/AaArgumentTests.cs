using CohortKit.Experiments.AaValidation;
using CohortKit.Learners;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Tests.AaValidation;

public class AaArgumentTests
{
    private static readonly double[] Four = [1, 2, 4, 8];

    [Theory]
    [InlineData("Alpha", 0.0)]
    [InlineData("Alpha", 1.0)]
    [InlineData("Alpha", double.NaN)]
    [InlineData("ConfidenceLevel", 0.0)]
    [InlineData("ConfidenceLevel", 1.0)]
    [InlineData("Power", 0.05)]
    [InlineData("Power", 1.0)]
    [InlineData("MaxDegreeOfParallelism", 0.0)]
    [InlineData("Iterations", 1_000_001.0)]
    [InlineData("Split", 0.0)]
    [InlineData("Split", double.NaN)]
    [InlineData("Split", 0.4 / 65_536)]
    [InlineData("Split", 1 - 0.4 / 65_536)]
    public void Options_OutOfRange_ThrowNamingTheOption(string option, double value)
    {
        var o = new AaValidationOptions();
        switch (option)
        {
            case "Alpha": o.Alpha = value; break;
            case "ConfidenceLevel": o.ConfidenceLevel = value; break;
            case "Power": o.Power = value; break;
            case "MaxDegreeOfParallelism": o.MaxDegreeOfParallelism = (int)value; break;
            case "Iterations": o.Iterations = (int)value; break;
            default: o.Split = value; break;
        }

        ((Func<AaTestValidator>)(() => new AaTestValidator(o))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be(option);
        var result = new AaValidationOptionsValidator().Validate(null, o);
        result.Failed.Should().BeTrue();
        result.Failures.Should().NotBeNull().And.Subject.First().Should().StartWith(option + ":");
    }

    [Fact]
    public void Options_AtTheirBounds_AreAccepted_AndTheDiPathListsEveryFailure()
    {
        foreach (var o in new[]
        {
            new AaValidationOptions { Iterations = AaValidationOptions.MaxIterations, MaxDegreeOfParallelism = 1 },
            new AaValidationOptions { Iterations = 1, Split = 1.0 / 65_536 },
            new AaValidationOptions { Split = 65_535.0 / 65_536 },
            new AaValidationOptions { Alpha = 0.05, Power = 0.0500001 },
        })
        {
            ((Func<AaTestValidator>)(() => new AaTestValidator(o))).Should().NotThrow();
            new AaValidationOptionsValidator().Validate(null, o).Succeeded.Should().BeTrue();
        }

        var bad = new AaValidationOptions { Alpha = 0, Iterations = 0, MaxDegreeOfParallelism = 0 };
        new AaValidationOptionsValidator().Validate(null, bad).Failures.Should().HaveCount(3);
        ((Func<AaTestValidator>)(() => new AaTestValidator(bad))).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("*Iterations*Alpha*MaxDegreeOfParallelism*");
        ((Func<AaTestValidator>)(() => new AaTestValidator((IOptions<AaValidationOptions>)null!, TimeProvider.System))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("options");
        ((Func<AaTestValidator>)(() => new AaTestValidator((AaValidationOptions)null!))).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Rerandomize_BadInput_ThrowsNamingIt_AndFourUnitsAreEnough()
    {
        var v = new AaTestValidator(new AaValidationOptions { Iterations = 20 });
        ((Action)(() => v.Rerandomize(null!))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("metrics");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", Four), new MetricColumn("a", Four)]))).Should().Throw<ArgumentException>()
            .WithMessage("Metric 'a' appears twice*").And.ParamName.Should().Be("metrics");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", new double[] { 1, 2, 3 })]))).Should().Throw<ArgumentException>()
            .WithMessage("The population has 3 units; at least 4*").And.ParamName.Should().Be("metrics");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", Four)], CategoricalColumn.Encode("s", ["x", "y", "x"])))).Should().Throw<ArgumentException>()
            .WithMessage("The segment column 's' has 3 rows; the metrics have 4*").And.ParamName.Should().Be("segment");
        ((Action)(() => v.Rerandomize([new MetricColumn("a", Four), null!]))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("metrics");
        v.Rerandomize([new MetricColumn("a", Four)]).Metrics.Should().ContainSingle().Which.Units.Should().Be(4);
    }

    [Fact]
    public void RerandomizeClusters_BadInput_ThrowsNamingIt()
    {
        var v = new AaTestValidator(new AaValidationOptions { Iterations = 20 });
        MetricColumn[] m = [new MetricColumn("a", Four)];
        ((Action)(() => v.RerandomizeClusters(null!, [1L, 2, 3, 4]))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("metrics");
        ((Action)(() => v.RerandomizeClusters(m, null!))).Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("clusters");
        ((Action)(() => v.RerandomizeClusters(m, [1L, 2, 3]))).Should().Throw<ArgumentException>()
            .WithMessage("The cluster column has 3 rows; the metrics have 4*").And.ParamName.Should().Be("clusters");
        ((Action)(() => v.RerandomizeClusters(m, [5L, 5, 5, 5]))).Should().Throw<ArgumentException>()
            .WithMessage("The cluster column has a single cluster*").And.ParamName.Should().Be("clusters");
        ((Action)(() => v.RerandomizeClusters([new MetricColumn("a", new double[] { 1, 2, 3 })], [1L, 2, 3]))).Should().Throw<ArgumentException>().WithMessage("*at least 4*");
        var report = v.RerandomizeClusters(m, [5L, 5, 9, 9]);
        report.Metrics.Should().HaveCount(2);
        report.Metrics[1].Clusters.Should().Be(2);
    }

    [Fact]
    public void RerandomizeClusters_MoreThanAGibibyteOfPValues_IsRefusedBeforeRunning()
    {
        // 68 metrics × 2 analyses × 1,000,000 iterations = 136,000,000 > 2^27 = 134,217,728 stored p-values.
        var metrics = Enumerable.Range(0, 68).Select(j => new MetricColumn($"m{j}", Four)).ToArray();
        var v = new AaTestValidator(new AaValidationOptions { Iterations = AaValidationOptions.MaxIterations });
        ((Action)(() => v.RerandomizeClusters(metrics, [1L, 2, 3, 4]))).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("*more than 134,217,728 p-values*").And.ParamName.Should().Be("iterations");
        ((Action)(() => v.Rerandomize(metrics, CategoricalColumn.Encode("s", ["x", "x", "y", "y"])))).Should().Throw<ArgumentOutOfRangeException>()
            .And.ParamName.Should().Be("iterations");
    }

    [Fact]
    public void ClopperPearson_EdgesHaveClosedForms_AndBadArgumentsThrow()
    {
        // x = 0: the upper bound solves (1 − p)ⁿ = α/2; x = n: the lower bound solves pⁿ = α/2.
        var zero = AaTestValidator.ClopperPearson(0, 20, 0.1);
        zero.Low.Should().Be(0);
        zero.High.Should().BeApproximately(1 - Math.Pow(0.05, 1.0 / 20), 1e-12);
        var all = AaTestValidator.ClopperPearson(20, 20, 0.1);
        all.High.Should().Be(1);
        all.Low.Should().BeApproximately(Math.Pow(0.05, 1.0 / 20), 1e-12);
        all.Level.Should().BeApproximately(0.9, 1e-15);
        ((Action)(() => AaTestValidator.ClopperPearson(0, 0, 0.05))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("trials");
        ((Action)(() => AaTestValidator.ClopperPearson(-1, 5, 0.05))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("successes");
        ((Action)(() => AaTestValidator.ClopperPearson(6, 5, 0.05))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("successes");
        ((Action)(() => AaTestValidator.ClopperPearson(1, 5, 1))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("alpha");
        AaTestValidator.ClopperPearson(1, 1, 0.05).High.Should().Be(1);
        AaTestValidator.ClopperPearson(0, 1, 0.05).Low.Should().Be(0);
    }
}
