using System.Security.Cryptography;
using System.Text.Json;
using CohortKit.Regions.Audit;
using CohortKit.Regions.DataPlane;
using CohortKit.Regions.Policy;
using CohortKit.Regions.Stores;
using Npgsql;

namespace CohortKit.Cli.Regions;

/// <summary>Where a regions data directory keeps things: <c>&lt;region&gt;.db</c> per region (SQLite) or <c>stores.json</c> naming
/// one PostgreSQL database per region (<c>cohortkit_regions_&lt;12 hex digits of the directory's path hash&gt;_&lt;region&gt;</c>), <c>audit.jsonl</c>, and <c>audit.key</c> (the pseudonymisation key, kept beside the
/// data for this simulation; a real deployment keeps it in a secret store).</summary>
internal sealed class RegionsDataDir
{
    public const string AuditFile = "audit.jsonl";
    public const string KeyFile = "audit.key";
    public const string StoresFile = "stores.json";
    private const string PostgresVariable = "COHORTKIT_PG";

    private readonly bool _fresh;

    private RegionsDataDir(string path, bool fresh)
    {
        Path = path;
        _fresh = fresh;
    }

    public string Path { get; }

    public string AuditPath => System.IO.Path.Combine(Path, AuditFile);

    public static ResidencyPolicy Policy => ResidencyPolicy.Default;

    /// <summary>An existing data directory.</summary>
    public static RegionsDataDir Existing(DirectoryInfo dir)
    {
        if (!dir.Exists) { throw new DirectoryNotFoundException($"--data-dir {dir.FullName}: no such directory (run `cohortkit regions workload` first)."); }
        return new RegionsDataDir(dir.FullName, fresh: false);
    }

    /// <summary>A fresh data directory for a workload: a previous workload's files in it are replaced.</summary>
    public static RegionsDataDir Fresh(DirectoryInfo dir, string store, string? connection)
    {
        if (File.Exists(dir.FullName)) { throw new ArgumentException($"--data-dir {dir.FullName}: this is a file, not a directory."); }
        NpgsqlConnectionStringBuilder? builder = null;
        string? cs = null;
        if (store == "postgres")
        {
            var source = connection is not null ? "--connection" : PostgresVariable;
            cs = connection ?? (Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } e ? e : $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres");
            try { builder = new NpgsqlConnectionStringBuilder(cs); }
            catch (ArgumentException ex) { throw new ArgumentException($"{source}: not a PostgreSQL connection string ({ex.Message}).", ex); }
            if (string.IsNullOrWhiteSpace(builder.Database))
            {
                throw new ArgumentException($"{source}: the connection string names no Database; give an existing database to connect to while the region databases are created (e.g. Database=postgres).");
            }
        }

        Directory.CreateDirectory(dir.FullName);
        var d = new RegionsDataDir(dir.FullName, fresh: true);
        foreach (var r in Policy.Regions)
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" }) { File.Delete(SqliteRegionStore.PathOf(d.Path, r.Name) + suffix); }
        }

        File.Delete(d.AuditPath);
        File.Delete(System.IO.Path.Combine(d.Path, StoresFile));
        File.WriteAllBytes(System.IO.Path.Combine(d.Path, KeyFile), RandomNumberGenerator.GetBytes(32));
        if (builder is not null)
        {
            var prefix = DatabasePrefix(d.Path);
            var databases = Policy.Regions.ToDictionary(r => r.Name, r => $"{prefix}_{r.Name.Replace('-', '_')}");
            foreach (var db in databases.Values) { PostgresRegionStore.Drop(cs!, db); }
            // stores.json never holds a password: later commands authenticate through the socket, PGPASSWORD or ~/.pgpass.
            builder.Password = null;
            File.WriteAllText(System.IO.Path.Combine(d.Path, StoresFile), JsonSerializer.Serialize(new StoresDocument("postgres", builder.ConnectionString, databases)));
        }

        return d;
    }

    /// <summary>Opens the data plane over the directory's stores and audit log.</summary>
    public RegionDataPlane OpenPlane(AuditLog audit) => new(new ResidencyGuard(Policy, audit, new Pseudonymizer(Key())), OpenStores());

    public IReadOnlyList<IRegionStore> OpenStores()
    {
        var storesPath = System.IO.Path.Combine(Path, StoresFile);
        if (File.Exists(storesPath))
        {
            var doc = JsonSerializer.Deserialize<StoresDocument>(File.ReadAllText(storesPath)) ?? throw new InvalidDataException($"{storesPath}: empty.");
            return [.. Policy.Regions.Select(r => PostgresRegionStore.Open(doc.Connection, r.Name, doc.Databases[r.Name]))];
        }

        foreach (var r in Policy.Regions)
        {
            var file = SqliteRegionStore.PathOf(Path, r.Name);
            if (!_fresh && !File.Exists(file))
            {
                throw new FileNotFoundException($"--data-dir {Path}: no store {r.Name}.db (run `cohortkit regions workload` first).", file);
            }
        }

        return [.. Policy.Regions.Select(r => SqliteRegionStore.Open(Path, r.Name))];
    }

    /// <summary>The prefix of a data directory's PostgreSQL databases: <c>cohortkit_regions_</c> and the first 12 hex digits of
    /// SHA-256 of the directory's full path, so two data directories on one server never share (or drop) each other's
    /// databases, while a new workload in the same directory replaces its own.</summary>
    internal static string DatabasePrefix(string fullPath)
    {
        var normalised = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(fullPath));
        return "cohortkit_regions_" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(normalised)))[..12];
    }

    private byte[] Key()
    {
        var path = System.IO.Path.Combine(Path, KeyFile);
        return File.Exists(path) ? File.ReadAllBytes(path) : throw new FileNotFoundException($"--data-dir {Path}: no {KeyFile} (run `cohortkit regions workload` first).", path);
    }

    private sealed record StoresDocument(string Store, string Connection, Dictionary<string, string> Databases);
}
