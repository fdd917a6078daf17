using CohortKit.Regions.Policy;
using Microsoft.Extensions.Configuration;

namespace CohortKit.Regions.Tests.Policy;

/// <summary>The policy: home regions, allowed sets, and start-up errors that name the field.</summary>
public sealed class ResidencyPolicyTests
{
    [Fact]
    public void Default_HomeRegions_FollowTheCountryMap()
    {
        var p = ResidencyPolicy.Default;
        p.HomeRegionOf("DE").Name.Should().Be("eu");
        p.HomeRegionOf("de").Name.Should().Be("eu");
        p.HomeRegionOf("US").Name.Should().Be("americas");
        p.HomeRegionOf("JP").Name.Should().Be("asia");
        p.KAnonymity.Should().Be(20);
    }

    [Fact]
    public void Default_PiiAndEvents_AllowedOnlyAtHome_AggregatesAnywhere()
    {
        var p = ResidencyPolicy.Default;
        foreach (var home in p.Regions)
        {
            foreach (var target in p.Regions)
            {
                p.IsAllowed(DataClass.Identity, home, target).Should().Be(home == target);
                p.IsAllowed(DataClass.ActivityEvents, home, target).Should().Be(home == target);
                p.IsAllowed(DataClass.ModelFeatures, home, target).Should().Be(home == target);
                p.IsAllowed(DataClass.Aggregates, home, target).Should().BeTrue();
            }
        }
    }

    [Fact]
    public void TwoEuRegions_IdentityMayMoveBetweenThem_NotOutsideTheJurisdiction()
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.Regions.Add(new RegionOptions { Name = "eu-north", Jurisdiction = "EU", Zones = ["eu-north-a"] });
        o.DataClasses["Identity"].AllowedRegions.Add("eu-north");
        var p = new ResidencyPolicy(o);
        p.AllowedRegions(DataClass.Identity, p.GetRegion("eu")).Select(r => r.Name).Should().BeEquivalentTo("eu", "eu-north");
        p.AllowedRegions(DataClass.Identity, p.GetRegion("americas")).Select(r => r.Name).Should().BeEquivalentTo("americas");
        p.AllowedRegions(DataClass.ActivityEvents, p.GetRegion("eu")).Select(r => r.Name).Should().BeEquivalentTo("eu");
    }

    [Fact]
    public void HomeRegionOf_UnknownCountry_ThrowsNamingTheCountry()
    {
        var act = () => ResidencyPolicy.Default.HomeRegionOf("ZZ");
        act.Should().Throw<ArgumentException>().WithParameterName("country").WithMessage("*'ZZ'*");
    }

    [Fact]
    public void GetRegion_Unknown_ThrowsNamingTheRegion()
    {
        var act = () => ResidencyPolicy.Default.GetRegion("mars");
        act.Should().Throw<ArgumentException>().WithParameterName("name").WithMessage("*'mars'*");
    }

    [Fact]
    public void Constructor_DataClassWithNoAllowedRegion_ThrowsNamingTheField()
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.DataClasses["ModelFeatures"].AllowedRegions.Clear();
        var act = () => new ResidencyPolicy(o);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DataClasses:ModelFeatures:AllowedRegions").WithMessage("*no allowed region*");
    }

    [Fact]
    public void Constructor_MissingDataClass_ThrowsNamingTheField()
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.DataClasses.Remove("Aggregates");
        var act = () => new ResidencyPolicy(o);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DataClasses:Aggregates:AllowedRegions");
    }

    [Fact]
    public void Constructor_JurisdictionFilterLeavesAHomeWithNothing_ThrowsNamingTheHome()
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.DataClasses["ModelFeatures"].AllowedRegions = ["eu"];
        var act = () => new ResidencyPolicy(o);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("DataClasses:ModelFeatures:AllowedRegions").WithMessage("*'americas'*");
    }

    [Fact]
    public void Constructor_IdentityNotAllowedAtHome_Throws()
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        o.Regions.Add(new RegionOptions { Name = "eu-north", Jurisdiction = "EU", Zones = ["eu-north-a"] });
        o.DataClasses["Identity"].AllowedRegions = ["americas", "asia", "eu-north"];
        var act = () => new ResidencyPolicy(o);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*home region 'eu'*");
    }

    [Theory]
    [InlineData("HomeRegions:DE", "unknown region")]
    [InlineData("HomeRegions:Germany", "two-letter")]
    [InlineData("DataClasses:Secrets", "unknown data class")]
    [InlineData("Regions:1:Name", "twice")]
    [InlineData("Regions:0:Zones", "at least one zone")]
    [InlineData("KAnonymity", "at least 2")]
    [InlineData("DataClasses:Identity:AllowedRegions", "unknown region 'mars'")]
    public void Constructor_InvalidField_ThrowsNamingIt(string field, string message)
    {
        var o = new RegionsOptions().UseDefaultCatalogue();
        switch (field)
        {
            case "HomeRegions:DE": o.HomeRegions["DE"] = "moon"; break;
            case "HomeRegions:Germany": o.HomeRegions["Germany"] = "eu"; break;
            case "DataClasses:Secrets": o.DataClasses["Secrets"] = new DataClassRule { AllowedRegions = ["eu"] }; break;
            case "Regions:1:Name": o.Regions[1].Name = "americas"; break;
            case "Regions:0:Zones": o.Regions[0].Zones.Clear(); break;
            case "KAnonymity": o.KAnonymity = 1; break;
            default: o.DataClasses["Identity"].AllowedRegions.Add("mars"); break;
        }

        var act = () => new ResidencyPolicy(o);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.Message.Contains(field) && e.Message.Contains(message));
    }

    [Fact]
    public void FromConfiguration_BindsEveryField()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Regions:0:Name"] = "west", ["Regions:0:Jurisdiction"] = "US", ["Regions:0:Zones:0"] = "west-a",
            ["Regions:1:Name"] = "central", ["Regions:1:Jurisdiction"] = "EU", ["Regions:1:Zones:0"] = "central-a", ["Regions:1:Zones:1"] = "central-b",
            ["HomeRegions:US"] = "west", ["HomeRegions:FR"] = "central",
            ["DataClasses:Identity:AllowedRegions:0"] = "west", ["DataClasses:Identity:AllowedRegions:1"] = "central",
            ["DataClasses:ActivityEvents:AllowedRegions:0"] = "west", ["DataClasses:ActivityEvents:AllowedRegions:1"] = "central",
            ["DataClasses:ModelFeatures:AllowedRegions:0"] = "west", ["DataClasses:ModelFeatures:AllowedRegions:1"] = "central",
            ["DataClasses:Aggregates:AllowedRegions:0"] = "west", ["DataClasses:Aggregates:HomeJurisdictionOnly"] = "false",
            ["KAnonymity"] = "5",
        }).Build();
        var p = ResidencyPolicy.FromConfiguration(config);
        p.HomeRegionOf("FR").Should().Match<Region>(r => r.Name == "central" && r.Zones.Count == 2 && r.Jurisdiction == "EU");
        p.KAnonymity.Should().Be(5);
        p.IsAllowed(DataClass.Identity, p.GetRegion("central"), p.GetRegion("west")).Should().BeFalse();
        p.IsAllowed(DataClass.Aggregates, p.GetRegion("central"), p.GetRegion("west")).Should().BeTrue();
        p.IsAllowed(DataClass.Aggregates, p.GetRegion("west"), p.GetRegion("central")).Should().BeFalse();
    }

    [Fact]
    public void LoadJson_ReadsAPolicyFile_AndRejectsAnUnknownRegionNamingTheField()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                { "regions": [ { "name": "eu", "jurisdiction": "EU", "zones": ["eu-a"] } ],
                  "homeRegions": { "DE": "eu" },
                  "dataClasses": { "Identity": { "allowedRegions": ["eu"] }, "ActivityEvents": { "allowedRegions": ["eu"] },
                                   "ModelFeatures": { "allowedRegions": ["eu"] }, "Aggregates": { "allowedRegions": ["eu"] } } }
                """);
            ResidencyPolicy.LoadJson(path).HomeRegionOf("DE").Name.Should().Be("eu");
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"DE\": \"eu\"", "\"DE\": \"us\"", StringComparison.Ordinal));
            var act = () => ResidencyPolicy.LoadJson(path);
            act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("HomeRegions:DE");
            File.WriteAllText(path, "{ not json");
            act.Should().Throw<InvalidDataException>();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
