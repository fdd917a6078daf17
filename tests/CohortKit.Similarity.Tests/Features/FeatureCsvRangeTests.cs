using CohortKit.Errors;
using CohortKit.Similarity.Features;

namespace CohortKit.Similarity.Tests.Features;

/// <summary>Issue 8 §2: a value beyond the float range is rejected, naming the file, line and column, not turned into ±∞.</summary>
public sealed class FeatureCsvRangeTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"ck-features-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("1e39")]
    [InlineData("-4e38")]
    public void OutOfFloatRange_Throws_NamingTheLine(string value)
    {
        File.WriteAllText(_file, $"learner_id,a,b\n1,0.5,0.25\n2,{value},1\n");
        var act = () => FeatureCsv.Load(_file);
        var ex = act.Should().Throw<CsvFormatException>().Which;
        ex.Line.Should().Be(3);
        ex.Column.Should().Be("a");
        ex.Message.Should().Contain(Path.GetFileName(_file)).And.Contain("float range");
    }

    [Fact]
    public void LargeButRepresentable_IsKept()
    {
        File.WriteAllText(_file, "learner_id,a\n1,1e20\n2,3e38\n");
        var (_, m) = FeatureCsv.Load(_file);
        m[0, 0].Should().Be(1e20f);
        m[1, 0].Should().Be(3e38f);
    }
}
