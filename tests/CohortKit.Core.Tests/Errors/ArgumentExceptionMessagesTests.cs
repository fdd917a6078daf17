using CohortKit.Errors;

namespace CohortKit.Core.Tests.Errors;

public class ArgumentExceptionMessagesTests
{
    [Fact]
    public void WithoutParameterName_DropsTheFrameworkSuffixOnly()
    {
        new ArgumentException("The control value 'x' is not present.", "controlArm").WithoutParameterName()
            .Should().Be("The control value 'x' is not present.");
        new ArgumentException("No parameter here.").WithoutParameterName().Should().Be("No parameter here.");
        new ArgumentOutOfRangeException("k", 0, "k must be at least 1.").WithoutParameterName()
            .Should().Be("k must be at least 1." + Environment.NewLine + "Actual value was 0.");
    }
}
