using CohortKit.Regions.Policy;
using CohortKit.Regions.Scaling;
using k8s;
using k8s.Models;

namespace CohortKit.Cli.Regions;

/// <summary>Builds the multi-region Kubernetes manifest from typed KubernetesClient models — per region a Deployment (replicas
/// at the peak, pods pinned to the region by node selector and spread over its zones), a Service and a HorizontalPodAutoscaler
/// (from the day's floor to the ceiling with headroom) — and checks it by parsing the YAML back.</summary>
internal static class KubernetesManifest
{
    public const string RegionLabel = "cohortkit.io/region";
    private const string ZoneKey = "topology.kubernetes.io/zone";
    private const string RegionKey = "topology.kubernetes.io/region";

    public static List<object> Build(ManifestConfig config, IReadOnlyList<RegionScalePlan> plans, ResidencyPolicy policy)
    {
        var objects = new List<object>();
        foreach (var plan in plans)
        {
            var region = policy.GetRegion(plan.Region);
            var name = $"{config.App}-{region.Name}";
            var labels = new Dictionary<string, string> { ["app"] = config.App, [RegionLabel] = region.Name };
            objects.Add(new V1Deployment
            {
                ApiVersion = "apps/v1", Kind = "Deployment",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1DeploymentSpec
                {
                    Replicas = plan.PeakInstances,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec
                        {
                            NodeSelector = new Dictionary<string, string> { [RegionKey] = region.Name },
                            TopologySpreadConstraints =
                            [
                                new V1TopologySpreadConstraint { MaxSkew = 1, TopologyKey = ZoneKey, WhenUnsatisfiable = "DoNotSchedule", LabelSelector = new V1LabelSelector { MatchLabels = labels } },
                            ],
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = config.App, Image = config.Image,
                                    Ports = [new V1ContainerPort { ContainerPort = config.Port }],
                                    Env = [new V1EnvVar { Name = "COHORTKIT_REGION", Value = region.Name }],
                                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") } },
                                },
                            ],
                        },
                    },
                },
            });
            objects.Add(new V1Service
            {
                ApiVersion = "v1", Kind = "Service",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 80, TargetPort = config.Port }] },
            });
            objects.Add(new V2HorizontalPodAutoscaler
            {
                ApiVersion = "autoscaling/v2", Kind = "HorizontalPodAutoscaler",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V2HorizontalPodAutoscalerSpec
                {
                    ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
                    MinReplicas = plan.MinInstances,
                    MaxReplicas = plan.MaxInstances,
                    Metrics =
                    [
                        new V2MetricSpec
                        {
                            Type = "Resource",
                            Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = Math.Clamp((int)Math.Round(100 * plan.PeakUtilization), 10, 95) } },
                        },
                    ],
                },
            });
        }

        return objects;
    }

    public static string ToYaml(IEnumerable<object> objects) => string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).TrimEnd('\n') + "\n"));

    /// <summary>Parses the YAML back and checks that every region has its three objects with the planned replicas and labels.</summary>
    /// <exception cref="InvalidOperationException">The YAML does not hold what was built.</exception>
    public static void Validate(string yaml, IReadOnlyList<RegionScalePlan> plans)
    {
        var parsed = KubernetesYaml.LoadAllFromString(yaml);
        foreach (var plan in plans)
        {
            bool Labelled(V1ObjectMeta m) => m.Labels is { } l && l.TryGetValue(RegionLabel, out var r) && r == plan.Region;
            var deployment = parsed.OfType<V1Deployment>().SingleOrDefault(d => Labelled(d.Metadata));
            var service = parsed.OfType<V1Service>().SingleOrDefault(s => Labelled(s.Metadata));
            var hpa = parsed.OfType<V2HorizontalPodAutoscaler>().SingleOrDefault(h => Labelled(h.Metadata));
            if (deployment?.Spec.Replicas != plan.PeakInstances || service is null || hpa?.Spec.MaxReplicas != plan.MaxInstances || hpa.Spec.MinReplicas != plan.MinInstances
                || deployment.Spec.Template.Spec.TopologySpreadConstraints?.Count != 1 || deployment.Spec.Template.Spec.NodeSelector?[RegionKey] != plan.Region)
            {
                throw new InvalidOperationException($"The generated manifest does not parse back to the plan of region '{plan.Region}'.");
            }
        }

        if (parsed.Count != 3 * plans.Count) { throw new InvalidOperationException($"The generated manifest parses back to {parsed.Count} objects, not {3 * plans.Count}."); }
    }
}
