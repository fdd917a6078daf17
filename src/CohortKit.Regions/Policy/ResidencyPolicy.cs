using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Regions.Policy;

/// <summary>A validated, immutable residency policy: the region catalogue, each country's home region and, per data class and
/// home region, the set of regions where the data may be stored or read. Checks are table look-ups (no allocation).</summary>
/// <remarks>Immutable after construction; safe to share between threads.</remarks>
public sealed class ResidencyPolicy
{
    private static readonly int ClassCount = Enum.GetValues<DataClass>().Length;
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly Dictionary<string, Region> _byName;
    private readonly Dictionary<string, Region> _homeByCountry;
    private readonly bool[] _allowed; // [class][home][target]
    private readonly Region[][] _allowedSets; // [class * n + home]

    /// <summary>Creates a policy.</summary>
    /// <param name="options">The catalogue, country map and rules; validated and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">A field is invalid (an unknown region or country code, a data class with no
    /// allowed region…); the parameter name is the field's configuration path, e.g. <c>DataClasses:Identity:AllowedRegions</c>.</exception>
    public ResidencyPolicy(RegionsOptions options)
    {
        RegionsOptionsValidator.ThrowIfInvalid(options);
        var o = options.Snapshot();
        Regions = [.. o.Regions.Select((r, i) => new Region { Index = i, Name = r.Name, Jurisdiction = r.Jurisdiction, Zones = [.. r.Zones] })];
        _byName = Regions.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _homeByCountry = o.HomeRegions.ToDictionary(p => p.Key.ToUpperInvariant(), p => _byName[p.Value], StringComparer.OrdinalIgnoreCase);
        KAnonymity = o.KAnonymity;
        var n = Regions.Count;
        _allowed = new bool[ClassCount * n * n];
        _allowedSets = new Region[ClassCount * n][];
        foreach (var c in Enum.GetValues<DataClass>())
        {
            var rule = o.DataClasses[c.ToString()];
            foreach (var home in Regions)
            {
                var set = Regions.Where(t => rule.AllowedRegions.Contains(t.Name) && (!rule.HomeJurisdictionOnly || t.Jurisdiction == home.Jurisdiction)).ToArray();
                _allowedSets[((int)c * n) + home.Index] = set;
                foreach (var t in set)
                {
                    _allowed[(((int)c * n) + home.Index) * n + t.Index] = true;
                }
            }
        }
    }

    /// <summary>Creates a policy from DI options.</summary>
    /// <param name="options">The options.</param>
    [ActivatorUtilitiesConstructor]
    public ResidencyPolicy(IOptions<RegionsOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Gets the default three-region policy (<see cref="RegionsOptions.UseDefaultCatalogue"/>).</summary>
    public static ResidencyPolicy Default { get; } = new(new RegionsOptions().UseDefaultCatalogue());

    /// <summary>Gets the catalogue, in configuration order.</summary>
    public IReadOnlyList<Region> Regions { get; }

    /// <summary>Gets k: aggregates of fewer learners are suppressed and never cross a border.</summary>
    public int KAnonymity { get; }

    /// <summary>Gets the countries that have a home region.</summary>
    public IEnumerable<string> Countries => _homeByCountry.Keys;

    /// <summary>Loads and validates a policy from configuration (the keys of <see cref="RegionsOptions"/>).</summary>
    /// <param name="configuration">The section.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A field is invalid; the parameter names it.</exception>
    public static ResidencyPolicy FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RegionsOptions();
        configuration.Bind(options);
        return new ResidencyPolicy(options);
    }

    /// <summary>Loads and validates a policy from a JSON file with the shape of <see cref="RegionsOptions"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON of that shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A field is invalid; the parameter names it.</exception>
    public static ResidencyPolicy LoadJson(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) { throw new FileNotFoundException($"The policy file {path} does not exist.", path); }
        RegionsOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<RegionsOptions>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a regions policy ({ex.Message})", ex);
        }

        return new ResidencyPolicy(options ?? throw new InvalidDataException($"{path}: the file holds null, not a regions policy."));
    }

    /// <summary>The region with a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The region.</returns>
    /// <exception cref="ArgumentException">No region has that name; the parameter is <paramref name="name"/>.</exception>
    public Region GetRegion(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var r) ? r
            : throw new ArgumentException($"Unknown region '{name}' (the catalogue has {string.Join(", ", Regions.Select(x => x.Name))}).", nameof(name));
    }

    /// <summary>The home region of a country.</summary>
    /// <param name="country">The ISO 3166-1 alpha-2 code (any case).</param>
    /// <returns>The region.</returns>
    /// <exception cref="ArgumentException">The country has no home region in the policy; the parameter is <paramref name="country"/>.</exception>
    public Region HomeRegionOf(string country)
    {
        ArgumentNullException.ThrowIfNull(country);
        return _homeByCountry.TryGetValue(country, out var r) ? r
            : throw new ArgumentException($"Unknown country '{country}': the policy assigns it no home region.", nameof(country));
    }

    /// <summary>The home region of a country, or null when the policy has none.</summary>
    internal Region? HomeRegionOrNull(string country) => _homeByCountry.GetValueOrDefault(country);

    /// <summary>Whether data of a class belonging to a learner homed in <paramref name="home"/> may be stored in or read from
    /// <paramref name="target"/>.</summary>
    /// <param name="dataClass">The data class.</param>
    /// <param name="home">The learner's home region.</param>
    /// <param name="target">The region that would hold or read the data.</param>
    /// <returns><see langword="true"/> when the policy allows it.</returns>
    public bool IsAllowed(DataClass dataClass, Region home, Region target)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(target);
        return IsAllowed(dataClass, home.Index, target.Index);
    }

    /// <summary>As <see cref="IsAllowed(DataClass, Region, Region)"/>, by catalogue index (the hot path).</summary>
    internal bool IsAllowed(DataClass dataClass, int home, int target)
    {
        var n = Regions.Count;
        return _allowed[((((int)dataClass * n) + home) * n) + target];
    }

    /// <summary>The regions where data of a class belonging to a learner homed in <paramref name="home"/> may be.</summary>
    /// <param name="dataClass">The data class.</param>
    /// <param name="home">The home region.</param>
    /// <returns>The allowed regions, never empty (validated at start).</returns>
    public IReadOnlyList<Region> AllowedRegions(DataClass dataClass, Region home)
    {
        ArgumentNullException.ThrowIfNull(home);
        return _allowedSets[((int)dataClass * Regions.Count) + home.Index];
    }
}
