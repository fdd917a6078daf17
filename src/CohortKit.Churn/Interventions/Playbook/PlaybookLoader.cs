using System.Text.Json;
using System.Text.Json.Serialization;

namespace CohortKit.Churn.Interventions.Playbook;

/// <summary>Reads <c>intervention-playbook.json</c> (System.Text.Json, camelCase, unknown fields rejected) and validates it.</summary>
public static class PlaybookLoader
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads and validates a playbook file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The playbook.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PlaybookFormatException">The JSON is malformed, a field is missing, unknown or of the wrong type, or the
    /// playbook is inconsistent; the message names the field's JSON path.</exception>
    public static InterventionPlaybook Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The playbook '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        return Parse(stream, System.IO.Path.GetFileName(path));
    }

    /// <summary>Parses and validates a playbook.</summary>
    /// <param name="utf8Json">The UTF-8 JSON stream.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>The playbook.</returns>
    /// <exception cref="PlaybookFormatException">See <see cref="Load"/>.</exception>
    public static InterventionPlaybook Parse(Stream utf8Json, string source = "intervention-playbook.json")
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        InterventionPlaybook? playbook;
        try
        {
            playbook = JsonSerializer.Deserialize<InterventionPlaybook>(utf8Json, Json);
        }
        catch (JsonException e)
        {
            throw new PlaybookFormatException(source, e.Path ?? "$", Describe(e), e);
        }

        if (playbook is null)
        {
            throw new PlaybookFormatException(source, "$", "the document is null; expected an object.");
        }

        PlaybookValidator.ThrowIfInvalid(playbook, source);
        return playbook;
    }

    /// <summary>Parses and validates a playbook held in a string.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The name used in error messages.</param>
    /// <returns>The playbook.</returns>
    /// <exception cref="PlaybookFormatException">See <see cref="Load"/>.</exception>
    public static InterventionPlaybook Parse(string json, string source = "intervention-playbook.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Parse(stream, source);
    }

    // System.Text.Json's message repeats the path and adds position details; keep its first sentence.
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
