#pragma warning disable CA2201 // the test throws the runtime's exception types on purpose, to check how the CLI reports them
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public void Report_AggregateOutOfMemory_PrintsOneLineAndExitsOne()
    {
        var stderr = new StringWriter();
        var console = new CliConsole(new StringWriter(), stderr, interactive: false);
        var wrapped = new AggregateException(new AggregateException(new OutOfMemoryException("Array dimensions exceeded supported range.")));

        var code = CliApp.Report(console, CliApp.Unwrap(wrapped));

        code.Should().Be(CliConsole.Failure);
        stderr.ToString().Should().Be("cohortkit: out of memory: Array dimensions exceeded supported range." + Environment.NewLine);
    }

    [Fact]
    public void Report_WrappedArgumentException_IsBadInputOnOneLine()
    {
        var stderr = new StringWriter();
        var console = new CliConsole(new StringWriter(), stderr, interactive: false);
        var wrapped = new AggregateException(new ArgumentOutOfRangeException("--max", 3, "must be at least --min."));

        var code = CliApp.Report(console, CliApp.Unwrap(wrapped));

        code.Should().Be(CliConsole.BadInput);
        stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().Contain("--max");
    }

    [Fact]
    public void Report_UnexpectedException_NamesTheTypeWithoutAStackTrace()
    {
        var stderr = new StringWriter();
        var console = new CliConsole(new StringWriter(), stderr, interactive: false);

        var code = CliApp.Report(console, new NotSupportedException("line one\nline two"));

        code.Should().Be(CliConsole.Failure);
        stderr.ToString().Should().Be("cohortkit: NotSupportedException: line one line two" + Environment.NewLine);
    }
}
