using System.Text.Json;
using CohortKit.Regions.Scaling;

namespace CohortKit.Cli.Regions;

/// <summary>The <c>--config</c> file of <c>cohortkit regions manifest</c> (JSON, camelCase).</summary>
internal sealed class ManifestConfig
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The application's name (Kubernetes object names are <c>&lt;app&gt;-&lt;region&gt;</c>).</summary>
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
        if (config.Regions is null) { throw new ArgumentException($"--config {path}: regions is null; list each region with its peakRequestsPerSecond."); }
        if (config.Regions.IndexOf(null!) is >= 0 and var nullEntry) { throw new ArgumentException($"--config {path}: regions[{nullEntry}] is null; each entry is {{ \"region\", \"peakRequestsPerSecond\" }}."); }
        if (config.Regions.FindIndex(r => string.IsNullOrWhiteSpace(r.Region)) is >= 0 and var unnamed) { throw new ArgumentException($"--config {path}: regions[{unnamed}].region is missing."); }
        if (config.Regions.Count == 0) { throw new ArgumentException($"--config {path}: regions is empty; list each region with its peakRequestsPerSecond."); }
        if (config.Port is < 1 or > 65535) { throw new ArgumentException($"--config {path}: port {config.Port} is outside 1..65535."); }
        if (!(config.ServiceTimeMs > 0 && double.IsFinite(config.ServiceTimeMs))) { throw new ArgumentException($"--config {path}: serviceTimeMs {config.ServiceTimeMs} must be positive."); }
        if (!(config.WaitTargetMs >= 0 && double.IsFinite(config.WaitTargetMs))) { throw new ArgumentException($"--config {path}: waitTargetMs {config.WaitTargetMs} must not be negative."); }
        return config;
    }
}
