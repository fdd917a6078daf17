using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace CohortKit.Cli.Output;

/// <summary>Where a command writes: human output (Spectre) or one JSON document to stdout; errors to stderr.</summary>
internal sealed class CliConsole(TextWriter stdout, TextWriter stderr, bool interactive)
{
    /// <summary>Exit code for bad input (arguments, files).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a failure that is not the input's fault.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a run cancelled by Ctrl-C or SIGTERM that stopped cleanly (128 + SIGINT, the shell's convention).</summary>
    public const int Cancelled = 130;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>Gets whether progress bars may be drawn (a real terminal, not --json).</summary>
    public bool Interactive { get; } = interactive;

    public IAnsiConsole Ansi { get; } = CreateAnsi(stdout, interactive);

    private static IAnsiConsole CreateAnsi(TextWriter stdout, bool interactive)
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            ansi.Profile.Width = 200; // redirected output: do not wrap tables at 80 columns
        }

        return ansi;
    }

    public void WriteJson<T>(T document)
    {
        Out.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
        Out.Flush();
    }

    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"cohortkit: {message}");
        Error.Flush();
        return exitCode;
    }
}
