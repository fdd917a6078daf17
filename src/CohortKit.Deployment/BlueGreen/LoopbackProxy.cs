using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>A YARP reverse proxy on a loopback port, driven by a <see cref="YarpTrafficSwitch"/>: the front door of drills,
/// tests and small single-machine hosts.</summary>
/// <remarks>Dispose it to stop the proxy. Thread-safe.</remarks>
public sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackProxy(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Gets the proxy's address, e.g. http://127.0.0.1:43817/.</summary>
    public Uri Address { get; }

    /// <summary>Starts a proxy on 127.0.0.1.</summary>
    /// <param name="trafficSwitch">The switch whose configuration the proxy follows (attached to the proxy's state).</param>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running proxy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is outside 0..65535.</exception>
    public static async Task<LoopbackProxy> StartAsync(YarpTrafficSwitch trafficSwitch, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trafficSwitch);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton<IProxyConfigProvider>(trafficSwitch.ConfigProvider);
        builder.Services.AddReverseProxy();
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        trafficSwitch.Attach(app.Services.GetRequiredService<IProxyStateLookup>());
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackProxy(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
