using System.Text.RegularExpressions;
using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Regions.Policy;

/// <summary>Validates <see cref="RegionsOptions"/> for DI (every failure) and for <see cref="ResidencyPolicy"/>'s constructor
/// (<see cref="ThrowIfInvalid"/>). Each failure names the field as a configuration path, e.g. <c>DataClasses:Identity:AllowedRegions</c>.</summary>
internal sealed partial class RegionsOptionsValidator : IValidateOptions<RegionsOptions>
{
    public ValidateOptionsResult Validate(string? name, RegionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">A field is invalid; the parameter name is its configuration path.</exception>
    public static void ThrowIfInvalid(RegionsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,40}$")]
    private static partial Regex RegionName();

    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex CountryCode();

    public static IEnumerable<OptionFailure> Failures(RegionsOptions o)
    {
        if (o.KAnonymity < 2) { yield return new(nameof(o.KAnonymity), o.KAnonymity, "KAnonymity must be at least 2."); }
        if (o.Regions is null || o.Regions.Count == 0)
        {
            yield return new(nameof(o.Regions), null, "Regions: the catalogue needs at least one region.");
            yield break;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var zones = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < o.Regions.Count; i++)
        {
            var r = o.Regions[i];
            var path = $"Regions:{i}";
            if (r.Name is null || !RegionName().IsMatch(r.Name))
            {
                yield return new($"{path}:Name", r.Name, $"{path}:Name '{r.Name}' must be 1–41 lower-case letters, digits or '-' (it names the region's store).");
            }
            else if (!names.Add(r.Name))
            {
                yield return new($"{path}:Name", r.Name, $"{path}:Name: region '{r.Name}' appears twice in the catalogue.");
            }

            if (string.IsNullOrWhiteSpace(r.Jurisdiction)) { yield return new($"{path}:Jurisdiction", r.Jurisdiction, $"{path}:Jurisdiction: region '{r.Name}' needs a jurisdiction."); }
            if (r.Zones is null || r.Zones.Count == 0) { yield return new($"{path}:Zones", null, $"{path}:Zones: region '{r.Name}' needs at least one zone."); continue; }
            foreach (var z in r.Zones)
            {
                if (string.IsNullOrWhiteSpace(z) || !zones.Add(z)) { yield return new($"{path}:Zones", z, $"{path}:Zones: zone '{z}' is blank or appears twice in the catalogue."); }
            }
        }

        foreach (var (country, region) in o.HomeRegions ?? new Dictionary<string, string>())
        {
            if (!CountryCode().IsMatch(country)) { yield return new($"HomeRegions:{country}", country, $"HomeRegions:{country}: '{country}' is not a two-letter ISO 3166-1 country code."); }
            if (!names.Contains(region ?? "")) { yield return new($"HomeRegions:{country}", region, $"HomeRegions:{country}: unknown region '{region}'."); }
        }

        if (o.HomeRegions is null || o.HomeRegions.Count == 0) { yield return new(nameof(o.HomeRegions), null, "HomeRegions: no country has a home region."); }
        var rules = o.DataClasses ?? new Dictionary<string, DataClassRule>();
        foreach (var key in rules.Keys)
        {
            if (!Enum.TryParse<DataClass>(key, ignoreCase: true, out _) || int.TryParse(key, out _))
            {
                yield return new($"DataClasses:{key}", key, $"DataClasses:{key}: unknown data class (expected one of {string.Join(", ", Enum.GetNames<DataClass>())}).");
            }
        }

        var jurisdictionOf = o.Regions.Where(r => r.Name is not null).GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First().Jurisdiction, StringComparer.Ordinal);
        var homes = (o.HomeRegions?.Values ?? []).Where(names.Contains).Distinct(StringComparer.Ordinal).ToList();
        foreach (var c in Enum.GetValues<DataClass>())
        {
            var path = $"DataClasses:{c}:AllowedRegions";
            if (!rules.TryGetValue(c.ToString(), out var rule) || rule?.AllowedRegions is null || rule.AllowedRegions.Count == 0)
            {
                yield return new(path, null, $"{path}: the data class {c} has no allowed region.");
                continue;
            }

            foreach (var r in rule.AllowedRegions.Where(r => !names.Contains(r)))
            {
                yield return new(path, r, $"{path}: unknown region '{r}'.");
            }

            foreach (var home in homes)
            {
                var allowed = rule.AllowedRegions.Where(names.Contains).Where(r => !rule.HomeJurisdictionOnly || jurisdictionOf[r] == jurisdictionOf[home]).ToList();
                if (allowed.Count == 0)
                {
                    yield return new(path, home, $"{path}: the data class {c} leaves learners whose home region is '{home}' no allowed region.");
                }
                else if (c is DataClass.Identity or DataClass.ActivityEvents && !allowed.Contains(home))
                {
                    yield return new(path, home, $"{path}: the data class {c} must be allowed in the home region '{home}', where it is written.");
                }
            }
        }
    }
}
