using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Errors;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Scaling;
using CohortKit.Reliability.Capacity;

namespace CohortKit.Cli.Regions;

/// <summary><c>cohortkit regions manifest</c>: per region, instances from the arrival rate over the day through Reliability's
/// capacity planner, written as a Kubernetes manifest (Deployments, Services, HPAs) and checked by parsing it back.</summary>
internal static class ManifestCommand
{
    public static Command Create(CliConsole console)
    {
        var config = new Option<FileInfo>("--config") { Description = "JSON: image, port, serviceTimeMs, waitTargetMs, headroom, diurnal (24 factors), regions [{region, peakRequestsPerSecond}].", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The YAML file to write.", Required = true };
        var command = new Command("manifest", "Write a multi-region Kubernetes manifest sized by the Erlang C capacity planner with a diurnal curve and headroom.")
        {
            config, output,
        };
        command.SetAction(parse =>
        {
            var c = ManifestConfig.Load(parse.GetValue(config)!.FullName);
            var outPath = CheckOut(parse.GetValue(output)!);
            var policy = ResidencyPolicy.Default;
            var planner = OptionFlags.Rename(() => new CapacityPlanner(new CapacityOptions { Headroom = c.Headroom }), name => name == nameof(CapacityOptions.Headroom) ? "headroom" : null);
            RegionAutoscaler autoscaler;
            try { autoscaler = new RegionAutoscaler(planner, c.Diurnal); }
            catch (ArgumentException ex) { throw new ArgumentException($"--config diurnal: {Errors.ArgumentExceptionMessages.WithoutParameterName(ex)}", ex); }
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < c.Regions.Count; i++)
            {
                string name;
                try { name = policy.GetRegion(c.Regions[i].Region).Name; }
                catch (ArgumentException ex) { throw new ArgumentException($"--config regions: {Errors.ArgumentExceptionMessages.WithoutParameterName(ex)}", ex); }
                if ($"{c.App}-{name}".Length > ManifestConfig.MaxNameLength)
                {
                    throw new ArgumentException($"--config app: '{c.App}-{name}' (the Kubernetes name of region '{name}') is longer than {ManifestConfig.MaxNameLength} characters; shorten app.");
                }

                if (!seen.TryAdd(name, i))
                {
                    throw new ArgumentException($"--config regions: region '{name}' is listed twice (regions[{seen[name]}] and regions[{i}]); list each region once.");
                }
            }

            var plans = c.Regions.Select((r, i) =>
            {
                try
                {
                    return OptionFlags.Rename(() => autoscaler.Plan(r, TimeSpan.FromMilliseconds(c.ServiceTimeMs), TimeSpan.FromMilliseconds(c.WaitTargetMs)), name => name == nameof(CapacityOptions.Headroom) ? "--config headroom" : null);
                }
                catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "traffic")
                {
                    throw new ArgumentException($"--config regions[{i}].peakRequestsPerSecond: {ex.WithoutParameterName().ReplaceLineEndings("\n").Split('\n')[0].Replace("PeakRequestsPerSecond", "peakRequestsPerSecond", StringComparison.Ordinal)}", ex);
                }
            }).ToList();
            var yaml = KubernetesManifest.ToYaml(KubernetesManifest.Build(c, plans, policy));
            KubernetesManifest.Validate(yaml, plans);

            // Only a complete, checked manifest reaches --out, and it replaces the file in one rename: no half-written state.
            var temporary = $"{outPath}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, yaml);
            File.Move(temporary, outPath, overwrite: true);
            foreach (var p in plans)
            {
                console.Out.WriteLine($"{p.Region}: {p.MinInstances}..{p.MaxInstances} instances (peak {p.PeakInstances}, utilisation {p.PeakUtilization:P0})");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The full path of <c>--out</c>, refused when it is a directory or its directory does not exist.</summary>
    private static string CheckOut(FileInfo output)
    {
        if (Directory.Exists(output.FullName)) { throw new ArgumentException($"--out {output.FullName}: this is a directory; give the YAML file to write."); }
        if (output.Directory is { Exists: false } parent) { throw new ArgumentException($"--out {output.FullName}: the directory {parent.FullName} does not exist."); }
        return output.FullName;
    }
}
