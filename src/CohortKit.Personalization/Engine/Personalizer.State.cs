using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CohortKit.Personalization.Engine;

public sealed partial class Personalizer
{
    /// <summary>The version of the saved-state format.</summary>
    public const int StateFormat = 1;

    /// <summary>Saves the model (every action's A⁻¹ and b, the mode and the apprentice counters) as JSON. Pending decisions
    /// are not saved: their rewards cannot be learned by a loaded engine.</summary>
    /// <param name="destination">The stream to write to (left open).</param>
    /// <remarks>Safe to call while other threads rank and reward: it saves one consistent snapshot. Numbers round-trip exactly.</remarks>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var arms = Volatile.Read(ref _arms);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("format", StateFormat);
        json.WriteNumber("contextFeatures", _options.ContextFeatures);
        json.WriteNumber("actionFeatures", _options.ActionFeatures);
        json.WriteString("mode", Mode.ToString());
        json.WriteStartArray("arms");
        foreach (var (id, arm) in arms.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteNumber("count", arm.Count);
            WriteArray(json, "inverse", arm.Inverse);
            WriteArray(json, "b", arm.B);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Loads a model saved by <see cref="Save"/> into a new engine.</summary>
    /// <param name="source">The stream.</param>
    /// <param name="options">The settings; the feature counts must match the saved model's. A saved engine that had left
    /// apprentice mode stays online.</param>
    /// <param name="time">The clock (default the system clock).</param>
    /// <param name="logger">Optional logger.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="InvalidDataException">The stream is not a saved model, its format is unknown, a number is not finite,
    /// or an array has the wrong length.</exception>
    /// <exception cref="ArgumentException">The feature counts differ from <paramref name="options"/>'.</exception>
    public static Personalizer Load(Stream source, PersonalizerOptions options, TimeProvider? time = null, ILogger<Personalizer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        PersonalizerOptionsValidator.ThrowIfInvalid(options);
        JsonDocument document;
        try { document = JsonDocument.Parse(source); }
        catch (JsonException ex) { throw new InvalidDataException($"The saved model is not JSON: {ex.Message}", ex); }
        using (document)
        {
            var root = document.RootElement;
            if (Int(root, "format") != StateFormat) { throw new InvalidDataException($"The saved model's format is {Int(root, "format")}; this version reads {StateFormat}."); }
            var context = Int(root, "contextFeatures");
            var action = Int(root, "actionFeatures");
            if (context != options.ContextFeatures || action != options.ActionFeatures)
            {
                throw new ArgumentException($"The saved model has {context} context and {action} action features; the options have {options.ContextFeatures} and {options.ActionFeatures}.", nameof(options));
            }

            var d = options.Dimension;
            var arms = new Dictionary<string, LinearArm>(StringComparer.Ordinal);
            foreach (var arm in Property(root, "arms").EnumerateArray())
            {
                var id = Property(arm, "id").GetString() ?? throw new InvalidDataException("An arm has no id.");
                arms[id] = LinearArm.FromInverse(Array(arm, "inverse", d * d), Array(arm, "b", d), Property(arm, "count").GetInt64());
            }

            var online = Property(root, "mode").GetString() == nameof(PersonalizerMode.Online);
            var loaded = options.Snapshot();
            loaded.ApprenticeMode = options.ApprenticeMode && !online;
            return new Personalizer(loaded, time, logger, arms);
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) { json.WriteNumberValue(v); }
        json.WriteEndArray();
    }

    private static JsonElement Property(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : throw new InvalidDataException($"The saved model has no '{name}'.");

    private static int Int(JsonElement element, string name)
        => Property(element, name).TryGetInt32(out var value) ? value : throw new InvalidDataException($"'{name}' of the saved model is not an integer.");

    private static double[] Array(JsonElement element, string name, int length)
    {
        var values = Property(element, name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (values.Length != length) { throw new InvalidDataException($"'{name}' of a saved arm has {values.Length} numbers; {length} were expected."); }
        if (values.Any(v => !double.IsFinite(v))) { throw new InvalidDataException($"'{name}' of a saved arm has a non-finite number."); }
        return values;
    }
}
