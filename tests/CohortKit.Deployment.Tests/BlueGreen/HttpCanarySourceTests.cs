using System.Net;
using System.Net.Sockets;
using CohortKit.Deployment.BlueGreen;

namespace CohortKit.Deployment.Tests.BlueGreen;

public sealed class HttpCanarySourceTests
{
    [Fact]
    public async Task CollectAsync_TargetThatNeverAnswers_CountsTimeoutsAsErrorsInsteadOfThrowing()
    {
        // A listener that accepts connections and never answers: every request times out on the client's 100 ms timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(100) };
        var source = new HttpCanarySource(http, "version", requestsPerArm: 3, warmupPerArm: 0);
        var (blue, green) = await source.CollectAsync(new DeploymentTarget("b", address), new DeploymentTarget("g", address), default);
        (blue.Requests, blue.Errors, green.Requests, green.Errors).Should().Be((3L, 3L, 3L, 3L));
        blue.LatenciesMs.Length.Should().Be(0);
    }
}
