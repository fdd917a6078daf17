namespace CohortKit.Regions.Policy;

/// <summary>Settings of CohortKit.Regions: the region catalogue, the country → home-region map and, per data class, where
/// the data may be stored and travel. Bound from configuration (section <c>Regions</c> of a host, or a JSON file through
/// <see cref="ResidencyPolicy.LoadJson(string)"/>) and validated at start.</summary>
public sealed class RegionsOptions
{
    /// <summary>Gets or sets the catalogue of regions.</summary>
    /// <value>The default value is an empty list (see <see cref="UseDefaultCatalogue"/>).</value>
    public IList<RegionOptions> Regions { get; set; } = [];

    /// <summary>Gets or sets the home region of each country (ISO 3166-1 alpha-2 code → region name). A learner's home region
    /// is fixed at registration from this map.</summary>
    /// <value>The default value is an empty map.</value>
    public IDictionary<string, string> HomeRegions { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the rule of each data class, keyed by the <see cref="DataClass"/> name. Every class needs a rule
    /// that leaves at least one allowed region.</summary>
    /// <value>The default value is an empty map.</value>
    public IDictionary<string, DataClassRule> DataClasses { get; set; } = new Dictionary<string, DataClassRule>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets k, the smallest group of learners whose aggregate may be released or cross a border (k-anonymity).</summary>
    /// <value>The default value is 20.</value>
    public int KAnonymity { get; set; } = 20;

    /// <summary>Replaces the catalogue, the country map and the rules by the default three-region deployment: <c>americas</c>
    /// (jurisdiction Americas), <c>eu</c> (EU) and <c>asia</c> (APAC), three zones each; identity, events and features stay in
    /// the home jurisdiction; aggregates may go anywhere.</summary>
    /// <returns>This instance.</returns>
    public RegionsOptions UseDefaultCatalogue()
    {
        Regions =
        [
            new RegionOptions { Name = "americas", Jurisdiction = "Americas", Zones = ["americas-a", "americas-b", "americas-c"] },
            new RegionOptions { Name = "eu", Jurisdiction = "EU", Zones = ["eu-a", "eu-b", "eu-c"] },
            new RegionOptions { Name = "asia", Jurisdiction = "APAC", Zones = ["asia-a", "asia-b", "asia-c"] },
        ];
        HomeRegions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in DefaultCountries.Americas) { HomeRegions[c] = "americas"; }
        foreach (var c in DefaultCountries.Eu) { HomeRegions[c] = "eu"; }
        foreach (var c in DefaultCountries.Asia) { HomeRegions[c] = "asia"; }
        string[] all = ["americas", "eu", "asia"];
        DataClasses = new Dictionary<string, DataClassRule>(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(DataClass.Identity)] = new() { AllowedRegions = [.. all], HomeJurisdictionOnly = true },
            [nameof(DataClass.ActivityEvents)] = new() { AllowedRegions = [.. all], HomeJurisdictionOnly = true },
            [nameof(DataClass.ModelFeatures)] = new() { AllowedRegions = [.. all], HomeJurisdictionOnly = true },
            [nameof(DataClass.Aggregates)] = new() { AllowedRegions = [.. all], HomeJurisdictionOnly = false },
        };
        return this;
    }

    /// <summary>A deep copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal RegionsOptions Snapshot() => new()
    {
        Regions = [.. Regions.Select(r => new RegionOptions { Name = r.Name, Jurisdiction = r.Jurisdiction, Zones = [.. r.Zones] })],
        HomeRegions = new Dictionary<string, string>(HomeRegions, StringComparer.OrdinalIgnoreCase),
        DataClasses = new Dictionary<string, DataClassRule>(
            DataClasses.ToDictionary(p => p.Key, p => new DataClassRule { AllowedRegions = [.. p.Value.AllowedRegions], HomeJurisdictionOnly = p.Value.HomeJurisdictionOnly }),
            StringComparer.OrdinalIgnoreCase),
        KAnonymity = KAnonymity,
    };
}

/// <summary>One region of the catalogue.</summary>
public sealed class RegionOptions
{
    /// <summary>Gets or sets the region's name (lower-case letters, digits and '-'; it names the store, e.g. <c>DIR/eu.db</c>).</summary>
    /// <value>The default value is empty.</value>
    public string Name { get; set; } = "";

    /// <summary>Gets or sets the jurisdiction whose law governs data stored in the region (e.g. <c>EU</c>).</summary>
    /// <value>The default value is empty.</value>
    public string Jurisdiction { get; set; } = "";

    /// <summary>Gets or sets the region's availability zones (at least one; failover moves between them first).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> Zones { get; set; } = [];
}

/// <summary>Where one data class may be stored and travel.</summary>
public sealed class DataClassRule
{
    /// <summary>Gets or sets the regions where data of the class may be stored or read.</summary>
    /// <value>The default value is an empty list (a startup error).</value>
    public IList<string> AllowedRegions { get; set; } = [];

    /// <summary>Gets or sets whether a learner's data of this class is further limited to the regions of the learner's home
    /// jurisdiction (the allowed set is then <see cref="AllowedRegions"/> ∩ regions of the home jurisdiction).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool HomeJurisdictionOnly { get; set; } = true;
}

/// <summary>The countries of the default catalogue.</summary>
internal static class DefaultCountries
{
    public static readonly string[] Americas = ["US", "CA", "MX", "BR", "AR", "CL", "CO", "PE"];
    public static readonly string[] Eu = ["DE", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "AT", "IE", "PT", "FI", "DK"];
    public static readonly string[] Asia = ["JP", "KR", "IN", "SG", "ID", "VN", "TH", "PH", "AU"];
}
