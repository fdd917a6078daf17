using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CohortKit.Testing;

namespace CohortKit.Deployment.Tests.Samples;

/// <summary>The sample platform host in process (WebApplicationFactory): every endpoint, its values checked against
/// independent references (SciPy for the readout, a brute-force cosine scan for the peers), and bad input.</summary>
public sealed class PlatformHostTests(GreenPlatformHost host) : IClassFixture<GreenPlatformHost>
{
    private const string VersionHeader = "X-CohortKit-Version";

    [Fact]
    public async Task Version_AnswersTheStartVersion_InBodyAndHeader()
    {
        using var client = host.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/version", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues(VersionHeader).Should().Equal("green");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString().Should().Be("green");
    }

    [Fact]
    public async Task Health_LiveAndReady_AreHealthy_AndCarryTheVersionHeader()
    {
        using var client = host.Factory.CreateClient();
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            (await response.Content.ReadAsStringAsync()).Should().Be("Healthy", path);
            response.Headers.GetValues(VersionHeader).Should().Equal("green");
        }
    }

    [Fact]
    public async Task FaultEndpoint_TurnsReadinessOff_LivenessStays()
    {
        await using var own = new PlatformHostFactory("green", allowFaults: true);
        using var client = own.CreateClient();
        using (var fault = await client.PostAsync(new Uri("/admin/fault/unhealthy", UriKind.Relative), null))
        {
            fault.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).Should().Be("Unhealthy");
        using var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        live.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task FaultEndpoint_WithoutAllowFaults_IsNotMapped()
    {
        await using var own = new PlatformHostFactory("blue", allowFaults: false);
        using var client = own.CreateClient();
        using var fault = await client.PostAsync(new Uri("/admin/fault/unhealthy", UriKind.Relative), null);
        fault.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.Headers.GetValues(VersionHeader).Should().Equal("blue");
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(1234, 3)]
    [InlineData(2000, 1)]
    public async Task Peers_AreTheKMostCosineSimilarLearners_ByABruteForceScan(long learner, int k)
    {
        using var client = host.Factory.CreateClient();
        var body = await client.GetFromJsonAsync<JsonElement>(new Uri($"/peers/{learner}?k={k}", UriKind.Relative));
        body.GetProperty("version").GetString().Should().Be("green");
        body.GetProperty("learner").GetInt64().Should().Be(learner);
        var peers = body.GetProperty("peers").EnumerateArray().Select(p => (Id: p.GetProperty("learner").GetInt64(), Similarity: p.GetProperty("similarity").GetDouble())).ToList();

        var expected = BruteForcePeers(learner, k);
        peers.Select(p => p.Id).Should().Equal(expected.Select(e => e.Id));
        for (var i = 0; i < k; i++)
        {
            peers[i].Similarity.Should().BeApproximately(expected[i].Similarity, 1e-5, $"peer {i + 1}");
        }
    }

    [Fact]
    public async Task Peers_DefaultK_IsFive()
    {
        using var client = host.Factory.CreateClient();
        var body = await client.GetFromJsonAsync<JsonElement>(new Uri("/peers/7", UriKind.Relative));
        body.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("learner").GetInt64()).Should().Equal(BruteForcePeers(7, 5).Select(e => e.Id));
    }

    [Theory]
    [InlineData("/peers/7?k=0", HttpStatusCode.BadRequest)]
    [InlineData("/peers/7?k=-3", HttpStatusCode.BadRequest)]
    [InlineData("/peers/7?k=many", HttpStatusCode.BadRequest)]
    [InlineData("/peers/0", HttpStatusCode.NotFound)]
    [InlineData("/peers/2001", HttpStatusCode.NotFound)]
    [InlineData("/peers/abc", HttpStatusCode.NotFound)]
    public async Task Peers_BadInput_IsRefused(string path, HttpStatusCode status)
    {
        using var client = host.Factory.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        response.StatusCode.Should().Be(status);
        if (path.Contains("k=-", StringComparison.Ordinal) || path.EndsWith("k=0", StringComparison.Ordinal))
        {
            (await response.Content.ReadAsStringAsync()).Should().Contain("k must be at least 1");
        }
    }

    [Fact]
    public async Task Readout_WelchValues_MatchScipy()
    {
        using var client = host.Factory.CreateClient();
        var cases = SharedData.Cases("experiments/welch_t.json").ToList();
        cases.Should().NotBeEmpty();
        foreach (var c in cases)
        {
            var name = c.GetProperty("name").GetString();
            var expected = c.GetProperty("expected");
            var body = await ReadoutAsync(client, c.Doubles("control"), c.Doubles("treatment"));
            body.GetProperty("version").GetString().Should().Be("green");
            body.GetProperty("effect").GetDouble().Should().BeApproximately(expected.GetProperty("difference").GetDouble(), 1e-12, name);
            body.GetProperty("welchPValue").GetDouble().Should().BeApproximately(expected.GetProperty("pValueTwoSided").GetDouble(), 1e-10, name);
            // SciPy's t quantile stops at a relative tolerance of 1e-8 (see Experiments' ReferenceTests).
            body.GetProperty("intervalLow").GetDouble().Should().BeApproximately(expected.GetProperty("ci95Low").GetDouble(), 1e-8, name);
            body.GetProperty("intervalHigh").GetDouble().Should().BeApproximately(expected.GetProperty("ci95High").GetDouble(), 1e-8, name);
        }
    }

    [Fact]
    public async Task Readout_MannWhitneyPValue_MatchesScipy()
    {
        using var client = host.Factory.CreateClient();
        var cases = SharedData.Cases("experiments/mann_whitney.json").ToList();
        cases.Should().NotBeEmpty();
        foreach (var c in cases)
        {
            var body = await ReadoutAsync(client, c.Doubles("control"), c.Doubles("treatment"));
            body.GetProperty("mannWhitneyPValue").GetDouble().Should().BeApproximately(c.GetProperty("expected").GetProperty("pValueTwoSided").GetDouble(), 1e-10, c.GetProperty("name").GetString());
        }
    }

    [Theory]
    [InlineData("""{"control":[1.0,2.0,3.0]}""", "at least 2 values")]
    [InlineData("""{"control":[1.0],"treatment":[1.0,2.0]}""", "at least 2 values")]
    [InlineData("""{"control":[1.0,2.0,3.0],"treatment":[2.0,3.0,4.0],"alpha":1.5}""", "alpha")]
    [InlineData("""{"control":[1.0,2.0""", "")] // malformed JSON: ASP.NET Core's own 400
    [InlineData("", "")] // no body
    public async Task Readout_BadInput_Is400(string json, string reason)
    {
        using var client = host.Factory.CreateClient();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/experiments/readout", UriKind.Relative), content);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        if (reason.Length > 0)
        {
            (await response.Content.ReadAsStringAsync()).Should().Contain(reason);
        }
    }

    private static async Task<JsonElement> ReadoutAsync(HttpClient client, double[] control, double[] treatment)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/experiments/readout", UriKind.Relative), new { control, treatment });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The host's learners as Program.cs builds them (PeerDirectory.Build(2000, 16, seed 7)): each feature a float of
    /// <c>new Random(7).NextDouble()</c> in row-major order; the peers are the k largest cosine similarities in double
    /// precision over every other learner.</summary>
    private static List<(long Id, double Similarity)> BruteForcePeers(long learner, int k)
    {
        const int Learners = 2_000, Dimensions = 16;
        var random = new Random(7);
        var x = new double[Learners, Dimensions];
        for (var r = 0; r < Learners; r++)
        {
            for (var d = 0; d < Dimensions; d++)
            {
                x[r, d] = (float)random.NextDouble();
            }
        }

        double Norm(int r) => Math.Sqrt(Enumerable.Range(0, Dimensions).Sum(d => x[r, d] * x[r, d]));
        var q = (int)learner - 1;
        return Enumerable.Range(0, Learners).Where(r => r != q)
            .Select(r => ((long)r + 1, Enumerable.Range(0, Dimensions).Sum(d => x[q, d] * x[r, d]) / (Norm(q) * Norm(r))))
            .OrderByDescending(p => p.Item2).Take(k).ToList();
    }
}
