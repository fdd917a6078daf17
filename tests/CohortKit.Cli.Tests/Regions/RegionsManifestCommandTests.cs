using k8s;
using k8s.Models;

namespace CohortKit.Cli.Tests.Regions;

/// <summary><c>cohortkit regions manifest</c>: the YAML parses back to a Deployment, Service and HPA per region with the Erlang C
/// replica counts (recomputed in RegionAutoscalerTests), region labels, a node selector and a zone spread constraint.</summary>
public sealed class RegionsManifestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-cli-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Config(string json)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Manifest_ThreeRegions_ParsesBackWithThePlannedReplicas()
    {
        var config = Config("""
            { "image": "ghcr.io/cohortkit/platform:1.0", "serviceTimeMs": 20, "waitTargetMs": 50,
              "regions": [ { "region": "americas", "peakRequestsPerSecond": 1200 }, { "region": "eu", "peakRequestsPerSecond": 900 }, { "region": "asia", "peakRequestsPerSecond": 600 } ] }
            """);
        var output = Path.Combine(_dir, "m.yaml");
        var (code, _, stderr) = CliRunner.Run("regions", "manifest", "--config", config, "--out", output);
        code.Should().Be(0, stderr);
        var objects = KubernetesYaml.LoadAllFromString(File.ReadAllText(output));
        objects.Should().HaveCount(9);
        foreach (var (region, peak, min, max) in new[] { ("americas", 26, 7, 50), ("eu", 20, 6, 38), ("asia", 14, 4, 26) })
        {
            var d = objects.OfType<V1Deployment>().Single(x => x.Metadata.Labels["cohortkit.io/region"] == region);
            d.Spec.Replicas.Should().Be(peak);
            d.Spec.Template.Spec.NodeSelector["topology.kubernetes.io/region"].Should().Be(region);
            d.Spec.Template.Spec.TopologySpreadConstraints.Should().ContainSingle().Which.TopologyKey.Should().Be("topology.kubernetes.io/zone");
            objects.OfType<V1Service>().Single(x => x.Metadata.Labels["cohortkit.io/region"] == region).Spec.Selector["cohortkit.io/region"].Should().Be(region);
            var hpa = objects.OfType<V2HorizontalPodAutoscaler>().Single(x => x.Metadata.Labels["cohortkit.io/region"] == region);
            (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, hpa.Spec.ScaleTargetRef.Name).Should().Be((min, max, d.Metadata.Name));
        }
    }

    [Theory]
    [InlineData("""{ "image": "x", "regions": [ { "region": "mars", "peakRequestsPerSecond": 10 } ] }""", "'mars'")]
    [InlineData("""{ "regions": [ { "region": "eu", "peakRequestsPerSecond": 10 } ] }""", "image")]
    [InlineData("""{ "image": "x", "regions": [ { "region": "eu", "peakRequestsPerSecond": -1 } ] }""", "peakRequestsPerSecond")]
    [InlineData("""{ "image": "x", "diurnal": [1, 0.5], "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "diurnal")]
    [InlineData("""{ "image": "x", "headroom": 0.5, "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "headroom")]
    [InlineData("not json", "--config")]
    [InlineData("""{ "image": "x", "app": "My_App", "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "app 'My_App' is not a Kubernetes name: it must be a DNS-1123 label")]
    [InlineData("""{ "image": "x", "app": "9lives", "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "app '9lives'")]
    [InlineData("""{ "image": "x", "app": "web-", "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "app 'web-'")]
    [InlineData("""{ "image": "x", "app": null, "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""", "app ''")]
    [InlineData("""{ "image": "x", "app": "a23456789012345678901234567890123456789012345678901234567890", "regions": [ { "region": "americas", "peakRequestsPerSecond": 1 } ] }""", "--config app: 'a23456789012345678901234567890123456789012345678901234567890-americas'")]
    [InlineData("""{ "image": "x", "regions": [ { "region": "asia", "peakRequestsPerSecond": 1 }, { "region": "eu", "peakRequestsPerSecond": -3 } ] }""", "regions[1].peakRequestsPerSecond -3 (region 'eu') must be finite and not negative")]
    [InlineData("""{ "image": "x", "regions": [ { "region": "asia", "peakRequestsPerSecond": 1 }, { "region": "eu", "peakRequestsPerSecond": 1e12 } ] }""", "--config regions[1].peakRequestsPerSecond: Region 'eu': peakRequestsPerSecond 1000000000000: ")]
    [InlineData("""{ "image": "x", "diurnal": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-0.5,1], "regions": [ { "region": "eu", "peakRequestsPerSecond": 3 } ] }""", "--config diurnal: The factor at index 22 (hour 22) is -0.5")]
    [InlineData("""{ "image": "x", "regions": [ { "region": "eu", "peakRequestsPerSecond": 10 }, { "region": "asia", "peakRequestsPerSecond": 1 }, { "region": "eu", "peakRequestsPerSecond": 5 } ] }""", "regions: region 'eu' is listed twice (regions[0] and regions[2])")]
    [InlineData("""{ "image": "x", "regions": null }""", "regions is null")]
    [InlineData("""{ "image": "x", "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 }, null ] }""", "regions[1] is null")]
    [InlineData("""{ "image": "x", "regions": [ { "region": null, "peakRequestsPerSecond": 1 } ] }""", "regions[0].region is missing")]
    public void Manifest_BadConfig_ExitsTwoWithOneLine_AndWritesNoFile(string json, string names)
    {
        var output = Path.Combine(_dir, "m.yaml");
        var (code, _, stderr) = CliRunner.Run("regions", "manifest", "--config", Config(json), "--out", output);
        code.Should().Be(2);
        stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(names);
        File.Exists(output).Should().BeFalse();
        Directory.GetFiles(_dir).Should().Equal(Path.Combine(_dir, "config.json"));
    }

    [Fact]
    public void Manifest_OutIsADirectoryOrInAMissingOne_ExitsTwoNamingOut()
    {
        var config = Config("""{ "image": "x", "regions": [ { "region": "eu", "peakRequestsPerSecond": 1 } ] }""");
        foreach (var output in new[] { _dir, Path.Combine(_dir, "missing", "m.yaml") })
        {
            var (code, _, stderr) = CliRunner.Run("regions", "manifest", "--config", config, "--out", output);
            code.Should().Be(2);
            stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("cohortkit: --out");
        }
    }
}
