using CohortKit.Reliability.Slo;

namespace CohortKit.Reliability.Tests.Slo;

public sealed class SloDurationTests
{
    [Theory]
    [InlineData("30s", 0, 0, 30)]
    [InlineData("5m", 0, 5, 0)]
    [InlineData("6h", 6, 0, 0)]
    [InlineData("3d", 72, 0, 0)]
    [InlineData("4w", 672, 0, 0)]
    [InlineData("259200s", 72, 0, 0)]   // 3d in seconds: numbers of 100,000 and more were refused
    [InlineData("100000s", 27, 46, 40)]
    public void Parse_UnitSuffix_GivesTheDuration(string text, int hours, int minutes, int seconds)
        => SloDuration.Parse(text).Should().Be(new TimeSpan(hours, minutes, seconds));

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("-5m")]
    [InlineData("0d")]
    [InlineData("1y")]
    public void Parse_NotADuration_Throws(string text)
        => new Action(() => SloDuration.Parse(text)).Should().Throw<ArgumentException>().WithMessage("*not a duration*");

    [Theory]
    [InlineData("36501d")]
    [InlineData("9223372036854775807s")]
    public void Parse_LongerThanAHundredYears_ThrowsSayingSo(string text)
        => new Action(() => SloDuration.Parse(text)).Should().Throw<ArgumentException>().WithMessage("*longest duration*");

    [Fact]
    public void Format_UsesTheLargestExactUnit()
    {
        SloDuration.Format(TimeSpan.FromDays(3)).Should().Be("3d");
        SloDuration.Format(TimeSpan.FromMinutes(90)).Should().Be("90m");
        SloDuration.Format(TimeSpan.FromHours(1)).Should().Be("1h");
        SloDuration.Format(TimeSpan.FromSeconds(45)).Should().Be("45s");
        SloDuration.Format(TimeSpan.FromMilliseconds(500)).Should().Be("0.5s");
        SloDuration.Format(TimeSpan.FromTicks(10_000_001)).Should().Be("1.0000001s");
        SloDuration.Format(TimeSpan.Zero).Should().Be("0s");
    }
}
