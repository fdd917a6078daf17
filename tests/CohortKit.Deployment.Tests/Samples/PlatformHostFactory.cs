using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CohortKit.Deployment.Tests.Samples;

/// <summary>The sample platform host in process on a TestServer. Its options come in as host configuration, which
/// WebApplicationFactory hands to the entry point as <c>--key=value</c> arguments.</summary>
public sealed class PlatformHostFactory(string version, bool allowFaults) : WebApplicationFactory<Program>
{
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["app-version"] = version,
            ["allow-faults"] = allowFaults ? "true" : "false",
        }));
        return base.CreateHost(builder);
    }
}
