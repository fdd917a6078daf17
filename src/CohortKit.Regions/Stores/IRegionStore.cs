namespace CohortKit.Regions.Stores;

/// <summary>The store of one region: tables <c>learners(learner_id, country, home_region, display_name, email, plan, age_band,
/// registered_at)</c>, <c>events(learner_id, timestamp, kind, value)</c> and the derived artefacts <c>features</c>,
/// <c>cohort_memberships</c> and <c>decisions</c>. Implementations: <see cref="SqliteRegionStore"/> (one file per region) and
/// <see cref="PostgresRegionStore"/> (one database per region).</summary>
/// <remarks>A store does not check residency: <see cref="DataPlane.RegionDataPlane"/> does, before it calls a store. Instances are not
/// thread-safe.</remarks>
public interface IRegionStore : IDisposable
{
    /// <summary>Gets the region whose data this store holds.</summary>
    string Region { get; }

    /// <summary>Writes a batch in one transaction (all or nothing).</summary>
    /// <param name="batch">The rows.</param>
    void Write(LearnerBatch batch);

    /// <summary>Reads a learner's identity row.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The row, or null when this store does not hold the learner.</returns>
    LearnerRecord? FindLearner(string learnerId);

    /// <summary>Reads everything the store holds about one learner.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The learner's rows (empty lists when none).</returns>
    LearnerBatch ReadLearner(string learnerId);

    /// <summary>Deletes every row of one learner from every table, in one transaction.</summary>
    /// <param name="learnerId">The learner.</param>
    /// <returns>The number of rows deleted.</returns>
    long EraseLearner(string learnerId);

    /// <summary>Streams, for every learner, the total of <c>events.value</c> over events of one kind (0 when none) and the
    /// learner's value of a grouping column of <c>learners</c>.</summary>
    /// <param name="kind">The event kind, e.g. <c>session</c>.</param>
    /// <param name="groupColumn">A non-personal column of <c>learners</c>: one of <see cref="RegionSchema.GroupColumns"/>.</param>
    /// <returns>One total per learner.</returns>
    /// <exception cref="ArgumentException"><paramref name="groupColumn"/> is not a groupable column (personal data, or no such column).</exception>
    IEnumerable<LearnerTotal> LearnerTotals(string kind, string groupColumn);
}
