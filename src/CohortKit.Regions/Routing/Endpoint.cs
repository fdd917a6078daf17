using CohortKit.Errors;
using CohortKit.Regions.Policy;

namespace CohortKit.Regions.Routing;

/// <summary>A zone of a region that can serve requests.</summary>
public sealed record Endpoint
{
    /// <summary>Gets the endpoint's position among the router's endpoints.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the region.</summary>
    public required Region Region { get; init; }

    /// <summary>Gets the zone.</summary>
    public required string Zone { get; init; }
}

/// <summary>Thrown when no healthy endpoint is left inside the set the policy allows for a learner: the request is refused
/// rather than sent outside the policy.</summary>
public sealed class NoAllowedEndpointException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="homeRegion">The learner's home region.</param>
    /// <param name="allowedZones">The zones the policy allows, all unhealthy.</param>
    public NoAllowedEndpointException(string homeRegion, IReadOnlyList<string> allowedZones)
        : base($"No healthy zone is left for learners homed in '{homeRegion}' among the zones the policy allows ({string.Join(", ", allowedZones)}); the request is refused rather than routed outside the policy.")
    {
        HomeRegion = homeRegion;
        AllowedZones = allowedZones;
    }

    /// <summary>Gets the home region.</summary>
    public string HomeRegion { get; }

    /// <summary>Gets the allowed zones.</summary>
    public IReadOnlyList<string> AllowedZones { get; }
}

/// <summary>The latency of a request from a learner's home region to an endpoint, injectable so that an SLO can be checked in
/// simulation.</summary>
public interface ILatencyModel
{
    /// <summary>The expected latency, used to rank endpoints before any observation.</summary>
    /// <param name="client">Where the learner is (the home region).</param>
    /// <param name="target">The endpoint.</param>
    /// <returns>Microseconds.</returns>
    double ExpectedMicros(Region client, Endpoint target);

    /// <summary>One simulated latency.</summary>
    /// <param name="client">Where the learner is.</param>
    /// <param name="target">The endpoint.</param>
    /// <param name="random">The random source.</param>
    /// <returns>Microseconds, positive.</returns>
    double SampleMicros(Region client, Endpoint target, Random random);
}

/// <summary>A latency model from the catalogue alone: log-normal with a median by distance (same region, same jurisdiction,
/// elsewhere) and a shape σ; the zone named first in a region is the client's own zone.</summary>
/// <param name="SameZoneMicros">Median within the client's own zone.</param>
/// <param name="SameRegionMicros">Median to another zone of the home region.</param>
/// <param name="SameJurisdictionMicros">Median to another region of the same jurisdiction.</param>
/// <param name="CrossBorderMicros">Median to a region of another jurisdiction.</param>
/// <param name="Sigma">The log-normal shape (σ of the log).</param>
public sealed record CatalogueLatencyModel(double SameZoneMicros = 1_500, double SameRegionMicros = 3_000, double SameJurisdictionMicros = 15_000, double CrossBorderMicros = 120_000, double Sigma = 0.35) : ILatencyModel
{
    /// <inheritdoc />
    public double ExpectedMicros(Region client, Endpoint target)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        return target.Region.Index == client.Index
            ? (target.Zone == client.Zones[0] ? SameZoneMicros : SameRegionMicros)
            : target.Region.Jurisdiction == client.Jurisdiction ? SameJurisdictionMicros : CrossBorderMicros;
    }

    /// <inheritdoc />
    public double SampleMicros(Region client, Endpoint target, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1 - random.NextDouble();
        var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * random.NextDouble());
        return ExpectedMicros(client, target) * Math.Exp(Sigma * z);
    }
}
