namespace CohortKit.Simulation.Model;

/// <summary>
/// The fixed structure of the simulated platform: attribute distributions and the attribute effects on engagement and
/// churn. These are the ground truth that estimators are checked against; the tunable rates are on <see cref="SimulationOptions"/>.
/// </summary>
public static class PlatformModel
{
    /// <summary>Age bands and their shares.</summary>
    public static AttributeDistribution AgeBand { get; } = new("age_band", ["18-24", "25-34", "35-44", "45-54", "55+"], [0.25, 0.35, 0.20, 0.12, 0.08]);

    /// <summary>Learning domains and their shares.</summary>
    public static AttributeDistribution Domain { get; } = new("domain", ["programming", "data", "languages", "business", "design"], [0.30, 0.25, 0.20, 0.15, 0.10]);

    /// <summary>Experience levels and their shares.</summary>
    public static AttributeDistribution Experience { get; } = new("experience", ["beginner", "intermediate", "advanced"], [0.50, 0.35, 0.15]);

    /// <summary>Regions and their shares.</summary>
    public static AttributeDistribution Region { get; } = new("region", ["Americas", "EU", "Asia"], [0.40, 0.35, 0.25]);

    /// <summary>Devices and their shares.</summary>
    public static AttributeDistribution Device { get; } = new("device", ["desktop", "mobile", "tablet"], [0.50, 0.40, 0.10]);

    /// <summary>Plans and their shares.</summary>
    public static AttributeDistribution Plan { get; } = new("plan", ["free", "pro", "team"], [0.70, 0.25, 0.05]);

    /// <summary>Acquisition channels and their shares.</summary>
    public static AttributeDistribution Channel { get; } = new("channel", ["organic", "paid_search", "social", "referral", "partner"], [0.40, 0.20, 0.20, 0.15, 0.05]);

    /// <summary>Countries per region (shares within the region), with locale and UTC offset.</summary>
    public static IReadOnlyList<Country> Countries { get; } =
    [
        new("US", "Americas", "en-US", -300, 0.60), new("BR", "Americas", "pt-BR", -180, 0.20),
        new("CA", "Americas", "en-CA", -300, 0.10), new("MX", "Americas", "es-MX", -360, 0.10),
        new("DE", "EU", "de-DE", 60, 0.30), new("FR", "EU", "fr-FR", 60, 0.25), new("ES", "EU", "es-ES", 60, 0.20),
        new("IT", "EU", "it-IT", 60, 0.15), new("NL", "EU", "nl-NL", 60, 0.10),
        new("IN", "Asia", "en-IN", 330, 0.40), new("JP", "Asia", "ja-JP", 540, 0.25), new("KR", "Asia", "ko-KR", 540, 0.15),
        new("SG", "Asia", "en-SG", 480, 0.10), new("ID", "Asia", "id-ID", 420, 0.10),
    ];

    /// <summary>The share of learners whose locale is <c>en-US</c> instead of their country's usual locale.</summary>
    public const double EnglishLocaleShare = 0.20;

    /// <summary>Attribute names in the order they appear in <c>learners.csv</c> (after <c>learner_id</c> and <c>signup_date</c>).</summary>
    public static IReadOnlyList<string> AttributeNames { get; } =
        ["age_band", "domain", "experience", "region", "country", "locale", "timezone", "device", "plan", "channel"];

    /// <summary>
    /// The multiplier of the daily churn-onset hazard for a learner with these attributes (product of the plan,
    /// experience and channel factors; every other attribute has factor 1). Reference learner: free, intermediate, organic.
    /// </summary>
    /// <param name="plan">free (1.0), pro (0.6) or team (0.5).</param>
    /// <param name="experience">beginner (1.25), intermediate (1.0) or advanced (0.8).</param>
    /// <param name="channel">paid_search (1.3), social (1.1); others 1.0.</param>
    /// <returns>The multiplier.</returns>
    public static double ChurnHazardMultiplier(string plan, string experience, string channel)
        => PlanChurn(plan) * ExperienceChurn(experience) * ChannelChurn(channel);

    /// <summary>The additive effect of attributes on a learner's baseline engagement (logit of the daily active probability).</summary>
    /// <param name="plan">free 0, pro +0.35, team +0.5.</param>
    /// <param name="device">desktop 0, mobile −0.15, tablet −0.1.</param>
    /// <param name="channel">referral +0.2, paid_search −0.2, others 0.</param>
    /// <returns>The shift on the logit scale.</returns>
    public static double EngagementShift(string plan, string device, string channel)
        => plan switch { "pro" => 0.35, "team" => 0.5, _ => 0 }
         + device switch { "mobile" => -0.15, "tablet" => -0.1, _ => 0 }
         + channel switch { "referral" => 0.2, "paid_search" => -0.2, _ => 0 };

    /// <summary>Gets the categories of a simulated attribute, in code order (the order of the column's category table).</summary>
    /// <param name="attribute">One of <see cref="AttributeNames"/>.</param>
    /// <returns>The categories.</returns>
    /// <exception cref="ArgumentException">The attribute is not simulated.</exception>
    public static IReadOnlyList<string> CategoriesOf(string attribute) => attribute switch
    {
        "age_band" => AgeBand.Categories,
        "domain" => Domain.Categories,
        "experience" => Experience.Categories,
        "region" => Region.Categories,
        "country" => Countries.Select(c => c.Code).ToArray(),
        "locale" => Countries.Select(c => c.Locale).Append("en-US").Distinct().ToArray(),
        "timezone" => Countries.Select(c => TimezoneName(c.UtcOffsetMinutes)).Distinct().ToArray(),
        "device" => Device.Categories,
        "plan" => Plan.Categories,
        "channel" => Channel.Categories,
        _ => throw new ArgumentException($"'{attribute}' is not a simulated attribute; use one of {string.Join(", ", AttributeNames)}.", nameof(attribute)),
    };

    /// <summary>Formats a UTC offset as the simulator's time-zone band name, e.g. <c>UTC+05:30</c>.</summary>
    /// <param name="offsetMinutes">The offset in minutes.</param>
    /// <returns>The name.</returns>
    public static string TimezoneName(int offsetMinutes)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"UTC{(offsetMinutes < 0 ? '-' : '+')}{Math.Abs(offsetMinutes) / 60:00}:{Math.Abs(offsetMinutes) % 60:00}");

    private static double PlanChurn(string plan) => plan switch { "pro" => 0.6, "team" => 0.5, _ => 1.0 };

    private static double ExperienceChurn(string experience) => experience switch { "beginner" => 1.25, "advanced" => 0.8, _ => 1.0 };

    private static double ChannelChurn(string channel) => channel switch { "paid_search" => 1.3, "social" => 1.1, _ => 1.0 };
}
