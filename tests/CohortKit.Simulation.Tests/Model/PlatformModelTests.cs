using CohortKit.Simulation.Model;

namespace CohortKit.Simulation.Tests.Model;

/// <summary>The generated attributes reproduce the shares <see cref="PlatformModel"/> documents.</summary>
[Collection(SimulatedPlatforms.Name)]
public class PlatformModelTests(SimulationFixture fixture)
{
    [Theory]
    [InlineData("plan", "free", 0.70)]
    [InlineData("plan", "team", 0.05)]
    [InlineData("domain", "programming", 0.30)]
    [InlineData("experience", "advanced", 0.15)]
    [InlineData("region", "EU", 0.35)]
    [InlineData("device", "mobile", 0.40)]
    [InlineData("channel", "partner", 0.05)]
    [InlineData("age_band", "55+", 0.08)]
    public void Attributes_ReproduceConfiguredShares(string attribute, string category, double share)
    {
        var column = fixture.Default.Learners[attribute];
        column.TryGetCode(category, out var code).Should().BeTrue();
        var hits = 0;
        foreach (var c in column.Codes) { if (c == code) { hits++; } }
        Binomial.ShareShouldMatch(hits, column.Count, share, $"{attribute}={category}");
    }

    [Fact]
    public void Attributes_CountryWithinRegion_AndLocaleShare_MatchTheModel()
    {
        var l = fixture.Default.Learners;
        int us = 0, americas = 0, english = 0, nonUsEnglishCandidates = 0;
        for (var i = 0; i < l.Count; i++)
        {
            if (l["region"][i] == "Americas") { americas++; if (l["country"][i] == "US") { us++; } }
            if (l["country"][i] is "DE" or "FR" or "JP") { nonUsEnglishCandidates++; if (l["locale"][i] == "en-US") { english++; } }
            l["region"][i].Should().Be(PlatformModel.Countries.Single(c => c.Code == l["country"][i]).Region);
        }

        Binomial.ShareShouldMatch(us, americas, 0.60, "US within Americas");
        Binomial.ShareShouldMatch(english, nonUsEnglishCandidates, PlatformModel.EnglishLocaleShare, "en-US locale outside English-speaking countries");
    }
}
