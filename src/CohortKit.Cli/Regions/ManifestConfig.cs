using System.Globalization;
using System.Text.Json;
using CohortKit.Regions.Scaling;

namespace CohortKit.Cli.Regions;

/// <summary>The <c>--config</c> file of <c>cohortkit regions manifest</c> (JSON, camelCase).</summary>
internal sealed class ManifestConfig
{
    /// <summary>The longest Kubernetes object name (a DNS-1123 label).</summary>
    public const int MaxNameLength = 63;

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The application's name (Kubernetes object names are <c>&lt;app&gt;-&lt;region&gt;</c>): a DNS-1123 label that starts
    /// with a letter (lower-case letters, digits and '-', ending with a letter or digit), as Service names must be.</summary>
    public string App { get; set; } = "cohortkit";

    /// <summary>The container image.</summary>
    public string Image { get; set; } = "";

    /// <summary>The container port.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>The mean service time of a request, milliseconds.</summary>
    public double ServiceTimeMs { get; set; } = 20;

    /// <summary>The waiting-time target (p99 of the queueing delay), milliseconds.</summary>
    public double WaitTargetMs { get; set; } = 50;

    /// <summary>Headroom over the peak (at least 1).</summary>
    public double Headroom { get; set; } = 2;

    /// <summary>24 hourly factors with maximum 1, or null for the default curve.</summary>
    public List<double>? Diurnal { get; set; }

    /// <summary>The regions and their peak rates; each must be in the residency policy's catalogue.</summary>
    public List<RegionTraffic> Regions { get; set; } = [];

    public static ManifestConfig Load(string path)
    {
        if (!File.Exists(path)) { throw new FileNotFoundException($"--config {path}: no such file.", path); }
        ManifestConfig? config;
        try { config = JsonSerializer.Deserialize<ManifestConfig>(File.ReadAllText(path), Options); }
        catch (JsonException ex) { throw new InvalidDataException($"--config {path}: not a manifest configuration ({ex.Message})", ex); }
        config ??= new ManifestConfig();
        if (string.IsNullOrWhiteSpace(config.Image)) { throw new ArgumentException($"--config {path}: image is missing."); }
        if (!IsDnsLabel(config.App))
        {
            throw new ArgumentException($"--config {path}: app '{config.App}' is not a Kubernetes name: it must be a DNS-1123 label that starts with a letter (lower-case letters, digits and '-', ending with a letter or digit, at most {MaxNameLength} characters).");
        }

        if (config.Regions is null) { throw new ArgumentException($"--config {path}: regions is null; list each region with its peakRequestsPerSecond."); }
        if (config.Regions.IndexOf(null!) is >= 0 and var nullEntry) { throw new ArgumentException($"--config {path}: regions[{nullEntry}] is null; each entry is {{ \"region\", \"peakRequestsPerSecond\" }}."); }
        if (config.Regions.FindIndex(r => string.IsNullOrWhiteSpace(r.Region)) is >= 0 and var unnamed) { throw new ArgumentException($"--config {path}: regions[{unnamed}].region is missing."); }
        if (config.Regions.Count == 0) { throw new ArgumentException($"--config {path}: regions is empty; list each region with its peakRequestsPerSecond."); }
        if (config.Port is < 1 or > 65535) { throw new ArgumentException($"--config {path}: port {config.Port} is outside 1..65535."); }
        if (!(config.ServiceTimeMs > 0 && double.IsFinite(config.ServiceTimeMs))) { throw new ArgumentException($"--config {path}: serviceTimeMs {config.ServiceTimeMs} must be positive."); }
        if (!(config.WaitTargetMs >= 0 && double.IsFinite(config.WaitTargetMs))) { throw new ArgumentException($"--config {path}: waitTargetMs {config.WaitTargetMs} must not be negative."); }
        if (config.Regions.FindIndex(r => !(r.PeakRequestsPerSecond >= 0 && double.IsFinite(r.PeakRequestsPerSecond))) is >= 0 and var badRate)
        {
            var r = config.Regions[badRate];
            throw new ArgumentException($"--config {path}: regions[{badRate}].peakRequestsPerSecond {r.PeakRequestsPerSecond.ToString(CultureInfo.InvariantCulture)} (region '{r.Region}') must be finite and not negative.");
        }

        return config;
    }

    /// <summary>Whether a name is a DNS-1123 label starting with a letter (a DNS-1035 label, as Kubernetes Service names are).</summary>
    private static bool IsDnsLabel(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && char.IsAsciiLetterLower(name[0]) && (char.IsAsciiLetterLower(name[^1]) || char.IsAsciiDigit(name[^1]))
        && name.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-');
}
