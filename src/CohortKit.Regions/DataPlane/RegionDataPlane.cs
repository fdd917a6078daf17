using CohortKit.Errors;
using CohortKit.Regions.Audit;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortKit.Regions.DataPlane;

/// <summary>The only way to learner data: writes go to the home region's store, reads and copies pass the
/// <see cref="ResidencyGuard"/> (a refusal is audited and throws <see cref="ResidencyViolationException"/> before any store is
/// touched), and the GDPR operations erase from every store and export from the home store.</summary>
/// <remarks>Not thread-safe (the stores are not). Knows each learner's home region from its writes; for a learner written by an
/// earlier process it asks each region's store whether it holds the learner (a lookup of the id, answered inside the region).</remarks>
public sealed class RegionDataPlane : IDisposable
{
    private readonly ResidencyGuard _guard;
    private readonly IRegionStore[] _stores;
    private readonly Dictionary<string, int> _homes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the data plane.</summary>
    /// <param name="guard">The residency guard (with the policy and audit log).</param>
    /// <param name="stores">One store per region of the policy; owned by the data plane from now on.</param>
    /// <param name="time">The clock for export times; the system clock when null.</param>
    /// <param name="logger">Logs counts and regions only; none when null.</param>
    /// <exception cref="ArgumentException">A region has no store, or a store's region is not in the catalogue.</exception>
    public RegionDataPlane(ResidencyGuard guard, IEnumerable<IRegionStore> stores, TimeProvider? time = null, ILogger<RegionDataPlane>? logger = null)
    {
        _guard = guard ?? throw new ArgumentNullException(nameof(guard));
        ArgumentNullException.ThrowIfNull(stores);
        var policy = guard.Policy;
        _stores = new IRegionStore[policy.Regions.Count];
        foreach (var s in stores)
        {
            var region = policy.Regions.FirstOrDefault(r => r.Name == s.Region)
                ?? throw new ArgumentException($"The store of region '{s.Region}' has no region in the catalogue.", nameof(stores));
            _stores[region.Index] = s;
        }

        if (policy.Regions.FirstOrDefault(r => _stores[r.Index] is null) is { } missing)
        {
            throw new ArgumentException($"Region '{missing.Name}' has no store.", nameof(stores));
        }

        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the policy.</summary>
    public ResidencyPolicy Policy => _guard.Policy;

    /// <summary>Gets the guard.</summary>
    public ResidencyGuard Guard => _guard;

    /// <summary>Writes learners and their data, each row to its learner's home-region store (one transaction per region).</summary>
    /// <param name="batch">The rows. A learner row's home region must be its country's; the other rows' learners must be in the
    /// batch or already known.</param>
    /// <exception cref="ArgumentException">A learner's country is unknown, its home region is not its country's (a home moves
    /// only by an explicit transfer), or a row belongs to an unknown learner; the message gives the table and row index.
    /// Nothing is written then.</exception>
    public void Write(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var n = Policy.Regions.Count;
        var homes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Learners.Count; i++)
        {
            var l = batch.Learners[i];
            Region home;
            try { home = Policy.HomeRegionOf(l.Country); }
            catch (ArgumentException ex) { throw new ArgumentException($"learners[{i}].country: {ex.WithoutParameterName()}", nameof(batch), ex); }
            if (home.Name != l.HomeRegion)
            {
                throw new ArgumentException($"learners[{i}].home_region: '{l.HomeRegion}' is not the home region of country '{l.Country}' ('{home.Name}'); a home region moves only by an explicit transfer.", nameof(batch));
            }

            homes[l.LearnerId] = home.Index;
        }

        var parts = Enumerable.Range(0, n).Select(_ => (Learners: new List<LearnerRecord>(), Events: new List<LearnerEvent>(), Features: new List<LearnerFeature>(), Cohorts: new List<CohortMembership>(), Decisions: new List<LearnerDecision>())).ToArray();
        foreach (var l in batch.Learners) { parts[homes[l.LearnerId]].Learners.Add(l); }
        Route(batch.Events, "events", e => e.LearnerId, (p, e) => p.Events.Add(e));
        Route(batch.Features, "features", f => f.LearnerId, (p, f) => p.Features.Add(f));
        Route(batch.Cohorts, "cohort_memberships", c => c.LearnerId, (p, c) => p.Cohorts.Add(c));
        Route(batch.Decisions, "decisions", d => d.LearnerId, (p, d) => p.Decisions.Add(d));
        for (var r = 0; r < n; r++)
        {
            var p = parts[r];
            if (p.Learners.Count + p.Events.Count + p.Features.Count + p.Cohorts.Count + p.Decisions.Count > 0)
            {
                _stores[r].Write(new LearnerBatch { Learners = p.Learners, Events = p.Events, Features = p.Features, Cohorts = p.Cohorts, Decisions = p.Decisions });
            }
        }

        foreach (var (id, home) in homes) { _homes[id] = home; }

        void Route<T>(IReadOnlyList<T> rows, string table, Func<T, string> learner, Action<(List<LearnerRecord> Learners, List<LearnerEvent> Events, List<LearnerFeature> Features, List<CohortMembership> Cohorts, List<LearnerDecision> Decisions), T> add)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var id = learner(rows[i]);
                if (!homes.TryGetValue(id, out var home) && !_homes.TryGetValue(id, out home))
                {
                    throw new ArgumentException($"{table}[{i}].learner_id: the learner is neither in the batch nor registered.", nameof(batch));
                }

                add(parts[home], rows[i]);
            }
        }
    }

    /// <summary>The home region of a learner: the region whose store holds the learner's identity row naming that region as
    /// home, preferring the row whose country the policy assigns to that region (a row planted elsewhere that names its own
    /// store as home does not win over the real one).</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The region.</returns>
    /// <exception cref="ArgumentException">No store holds the learner; the parameter is <paramref name="learnerId"/>.</exception>
    public Region HomeOf(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        if (_homes.TryGetValue(learnerId, out var index)) { return Policy.Regions[index]; }
        var home = Locate(learnerId).Home ?? throw UnknownLearner(learnerId);
        _homes[learnerId] = home.Index;
        return home;
    }

    /// <summary>Reads a learner's identity row on behalf of a region.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <param name="fromRegion">The region that asks.</param>
    /// <returns>The row.</returns>
    /// <exception cref="ResidencyViolationException">The policy does not allow identity data of the learner in
    /// <paramref name="fromRegion"/>; audited, nothing read.</exception>
    /// <exception cref="ArgumentException">The learner or region is unknown.</exception>
    public LearnerRecord ReadIdentity(string learnerId, string fromRegion)
    {
        var home = Check(ResidencyOperation.Read, DataClass.Identity, learnerId, fromRegion);
        return _stores[home.Index].FindLearner(learnerId)!;
    }

    /// <summary>Reads a learner's activity events on behalf of a region.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <param name="fromRegion">The region that asks.</param>
    /// <returns>The events, oldest first.</returns>
    /// <exception cref="ResidencyViolationException">The policy does not allow the learner's events in
    /// <paramref name="fromRegion"/>; audited, nothing read.</exception>
    /// <exception cref="ArgumentException">The learner or region is unknown.</exception>
    public IReadOnlyList<LearnerEvent> ReadEvents(string learnerId, string fromRegion)
    {
        var home = Check(ResidencyOperation.Read, DataClass.ActivityEvents, learnerId, fromRegion);
        return _stores[home.Index].ReadLearner(learnerId).Events;
    }

    /// <summary>Copies a learner's data of one class into another region's store (e.g. a second EU region), when the policy
    /// allows it; the copy is audited. Erasure removes copies too.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <param name="dataClass">Identity, ActivityEvents or ModelFeatures (features, cohorts and decisions).</param>
    /// <param name="toRegion">The target region.</param>
    /// <returns>The rows copied.</returns>
    /// <exception cref="ResidencyViolationException">The policy does not allow the class in <paramref name="toRegion"/>;
    /// audited, nothing read or written.</exception>
    /// <exception cref="ArgumentException">The learner or region is unknown, the target is the home region, or the class is
    /// <see cref="DataClass.Aggregates"/> (aggregates are not per learner).</exception>
    public long Copy(string learnerId, DataClass dataClass, string toRegion)
    {
        if (dataClass == DataClass.Aggregates)
        {
            throw new ArgumentException("Aggregates are not per-learner data: release them through the aggregator.", nameof(dataClass));
        }

        var home = Check(ResidencyOperation.Copy, dataClass, learnerId, toRegion);
        var target = Policy.GetRegion(toRegion);
        if (target.Index == home.Index) { throw new ArgumentException($"Region '{toRegion}' is the learner's home region: nothing to copy.", nameof(toRegion)); }
        var all = _stores[home.Index].ReadLearner(learnerId);
        var part = dataClass switch
        {
            DataClass.Identity => new LearnerBatch { Learners = all.Learners },
            DataClass.ActivityEvents => new LearnerBatch { Events = all.Events },
            _ => new LearnerBatch { Features = all.Features, Cohorts = all.Cohorts, Decisions = all.Decisions },
        };
        _stores[target.Index].Write(part);
        _guard.Audit.Append(new AuditRecord
        {
            Action = AuditAction.Copied, DataClass = dataClass, SourceRegion = home.Name, TargetRegion = target.Name,
            Subject = _guard.Pseudonymizer.Token(learnerId), Detail = $"rows={part.Rows}",
        });
        return part.Rows;
    }

    /// <summary>Erases a learner (GDPR Art. 17): every row in every table of every region's store (the home store, any
    /// allowed copy, features, cohort memberships and decisions, and rows found where the policy does not allow them), then the
    /// learner's entry in the home directory. Audited by the pseudonymous token; a store outside the allowed regions that held
    /// rows of the learner (a residency breach the data plane did not make) is named in the receipt and audited as
    /// <see cref="AuditAction.MisplacedDataFound"/>.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="ArgumentException">No store holds any row of the learner.</exception>
    public ErasureReceipt Erase(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        var (located, identities) = Locate(learnerId);
        using var activity = RegionsTelemetry.ActivitySource.StartActivity("regions.erase");
        var perStore = new long[_stores.Length];
        for (var i = 0; i < _stores.Length; i++)
        {
            perStore[i] = _stores[i].EraseLearner(learnerId);
        }

        var rows = perStore.Sum();
        var home = located ?? (rows > 0 ? Policy.Regions[Array.FindIndex(perStore, r => r > 0)] : throw UnknownLearner(learnerId));
        _homes.Remove(learnerId);
        var token = _guard.Pseudonymizer.Token(learnerId);
        var misplaced = AuditMisplaced(home, i => identities[i] is not null || perStore[i] > 0, token, "erased");
        var entry = _guard.Audit.Append(new AuditRecord { Action = AuditAction.Erased, SourceRegion = home.Name, Subject = token, Detail = $"rows={rows};stores={_stores.Length}" });
        RegionsTelemetry.Erasures.Add(1);
        RegionsLog.Erased(_logger, home.Name, rows, _stores.Length, entry.Sequence);
        return new ErasureReceipt
        {
            SubjectToken = token, HomeRegion = home.Name, RowsDeleted = rows, StoresCleaned = _stores.Length, AuditSequence = entry.Sequence, MisplacedRegions = misplaced,
        };
    }

    /// <summary>Moves a learner's home region after a change of country (the only way a home region moves): every row is
    /// copied to the new home's store with the new country and home region, then deleted from every other store, and the
    /// transfer is audited by token. A transfer to another jurisdiction is a legal act (GDPR Art. 44–49) the caller vouches for.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <param name="newCountry">The learner's new country.</param>
    /// <returns>The new home region.</returns>
    /// <exception cref="ArgumentException">The learner or country is unknown, or the country's home region is the current one.</exception>
    public Region Transfer(string learnerId, string newCountry)
    {
        var from = HomeOf(learnerId);
        var to = Policy.HomeRegionOf(newCountry);
        if (to.Index == from.Index) { throw new ArgumentException($"Country '{newCountry}' has the learner's current home region '{from.Name}': nothing to transfer.", nameof(newCountry)); }
        var data = _stores[from.Index].ReadLearner(learnerId);
        _stores[to.Index].Write(data with { Learners = [data.Learners[0] with { Country = newCountry.ToUpperInvariant(), HomeRegion = to.Name }] });
        foreach (var store in _stores.Where((_, i) => i != to.Index)) { store.EraseLearner(learnerId); }
        _homes[learnerId] = to.Index;
        _guard.Audit.Append(new AuditRecord
        {
            Action = AuditAction.Transferred, SourceRegion = from.Name, TargetRegion = to.Name, Subject = _guard.Pseudonymizer.Token(learnerId), Detail = $"rows={data.Rows}",
        });
        return to;
    }

    /// <summary>Exports everything held about a learner from the home region's store (GDPR Art. 15 and 20); audited. Identity
    /// rows of the learner found in a store outside the allowed regions are not exported (only the home region is read for
    /// the export), but named in <see cref="LearnerExport.MisplacedRegions"/> and audited as
    /// <see cref="AuditAction.MisplacedDataFound"/>.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The export.</returns>
    /// <exception cref="ArgumentException">No store holds the learner, or the home region's store holds no identity row of it
    /// (only misplaced rows elsewhere); the parameter is <paramref name="learnerId"/>.</exception>
    public LearnerExport Export(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        var (home, identities) = Locate(learnerId);
        if (home is null) { throw UnknownLearner(learnerId); }
        var token = _guard.Pseudonymizer.Token(learnerId);
        var misplaced = AuditMisplaced(home, i => identities[i] is not null, token, "not exported");
        var data = _stores[home.Index].ReadLearner(learnerId);
        if (data.Learners.Count == 0)
        {
            throw new ArgumentException($"Learner '{learnerId}' has no identity row in its home region '{home.Name}' (identity rows found in {string.Join(", ", misplaced)} are outside the allowed regions and are not exported); nothing to export.", nameof(learnerId));
        }

        _homes[learnerId] = home.Index;
        _guard.Audit.Append(new AuditRecord { Action = AuditAction.Exported, SourceRegion = home.Name, Subject = token, Detail = $"rows={data.Rows}" });
        return new LearnerExport
        {
            LearnerId = learnerId, HomeRegion = home.Name, ExportedAt = _time.GetUtcNow(), Learner = data.Learners[0],
            Events = data.Events, Features = data.Features, Cohorts = data.Cohorts, Decisions = data.Decisions, MisplacedRegions = misplaced,
        };
    }

    /// <summary>The store of a region (for the regional summariser, which runs inside the region).</summary>
    internal IRegionStore StoreOf(Region region) => _stores[region.Index];

    /// <summary>Closes every store.</summary>
    public void Dispose()
    {
        foreach (var s in _stores) { s.Dispose(); }
    }

    private static ArgumentException UnknownLearner(string learnerId) => new($"Unknown learner '{learnerId}': no region holds it.", nameof(learnerId));

    /// <summary>Looks the learner's identity row up in every store: the home is the region whose row names it as home and whose
    /// country the policy assigns to it; else a region whose row names it as home; else the home the policy gives any row's
    /// country; else none.</summary>
    private (Region? Home, LearnerRecord?[] Identities) Locate(string learnerId)
    {
        var rows = _stores.Select(s => s.FindLearner(learnerId)).ToArray();
        bool NamesItsStore(int i) => rows[i] is { } l && l.HomeRegion == Policy.Regions[i].Name;
        bool IsItsCountrysHome(int i) => NamesItsStore(i) && Policy.HomeRegionOrNull(rows[i]!.Country)?.Index == i;
        var all = Enumerable.Range(0, rows.Length);
        var index = all.FirstOrDefault(IsItsCountrysHome, -1);
        if (index < 0) { index = all.FirstOrDefault(NamesItsStore, -1); }
        var home = index >= 0 ? Policy.Regions[index] : rows.Select(l => l is null ? null : Policy.HomeRegionOrNull(l.Country)).FirstOrDefault(r => r is not null);
        return (home, rows);
    }

    /// <summary>Audits each region outside every data class's allowed set for the learner that held rows of the learner.</summary>
    /// <returns>The regions' names, in catalogue order.</returns>
    private IReadOnlyList<string> AuditMisplaced(Region home, Func<int, bool> held, string token, string outcome)
    {
        var misplaced = Policy.Regions
            .Where(r => r.Index != home.Index && held(r.Index)
                && !Policy.IsAllowed(DataClass.Identity, home, r) && !Policy.IsAllowed(DataClass.ActivityEvents, home, r) && !Policy.IsAllowed(DataClass.ModelFeatures, home, r))
            .ToList();
        foreach (var region in misplaced)
        {
            _guard.Audit.Append(new AuditRecord { Action = AuditAction.MisplacedDataFound, SourceRegion = home.Name, TargetRegion = region.Name, Subject = token, Detail = outcome });
        }

        return [.. misplaced.Select(r => r.Name)];
    }

    private Region Check(ResidencyOperation operation, DataClass dataClass, string learnerId, string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var target = Policy.GetRegion(region);
        var home = HomeOf(learnerId);
        _guard.Ensure(operation, dataClass, learnerId, home, target);
        return home;
    }
}
