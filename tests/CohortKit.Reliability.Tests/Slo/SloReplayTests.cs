using CohortKit.Reliability.Slo;

namespace CohortKit.Reliability.Tests.Slo;

/// <summary>Synthetic outage timelines whose fire and clear minutes are worked out by hand from the workbook's arithmetic:
/// a window of w minutes at minute m covers (m − w, m]; a rule fires when both windows' error ratios are strictly above
/// burn × (1 − objective), and clears when either is not.</summary>
public sealed class SloReplayTests
{
    private const long PerMinute = 1000;

    /// <summary>Constant traffic of 1,000 requests a minute; from minute <paramref name="start"/> for <paramref name="length"/>
    /// minutes, <paramref name="errorsPerMinute"/> of them fail.</summary>
    private static List<MinuteCounts> Outage(long minutes, long start, long length, long errorsPerMinute)
        => Enumerable.Range(0, (int)minutes).Select(m => new MinuteCounts(m, PerMinute, m >= start && m < start + length ? errorsPerMinute : 0)).ToList();

    [Theory]
    [InlineData(0.9999, 10_000L, 1L)]      // error ratio 1/10,000 = 1 × (1 − 0.9999): the ticket's threshold exactly
    [InlineData(0.9999, 100_000L, 144L)]   // 144/100,000 = 14.4 × (1 − 0.9999): the page's threshold exactly
    [InlineData(0.9995, 100_000L, 300L)]   // 300/100,000 = 6 × (1 − 0.9995): the 6h/30m page's threshold exactly
    [InlineData(0.99999, 100_000L, 1L)]    // 1/100,000 = 1 × (1 − 0.99999)
    public void Run_ErrorRatioExactlyAtAThreshold_DoesNotFire_AndSpendsExactlyTheBudgetItEquals(double objective, long total, long errors)
    {
        // "Strictly above" in exact arithmetic: a constant error ratio equal to burn × (1 − objective) never fires that rule;
        // 1 − objective computed in binary floating point is a hair below the decimal budget and made these fire.
        var minutes = Enumerable.Range(0, 500).Select(m => new MinuteCounts(m, total, errors)).ToList();
        var ratio = (decimal)errors / total;
        var budget = 1m - (decimal)objective;

        var result = SloReplay.Run(minutes, new SloOptions { Objective = objective });

        var expected = BurnRateAlertRule.WorkbookDefaults().Count(r => ratio > (decimal)r.BurnRate * budget);
        result.Alerts.Should().HaveCount(expected);
        result.Alerts.Where(a => ratio <= (decimal)a.BurnRate * budget).Should().BeEmpty();
        result.BudgetConsumed.Should().Be((double)(ratio / budget));
    }

    [Fact]
    public void Run_TotalsBeyond2To53_AndASpanLongerThanTheLimit_AreRefusedNamingTheRow()
    {
        MinuteCounts[] huge = [new(0, long.MaxValue, 1), new(1, long.MaxValue, 1)];
        var act = () => SloReplay.Run(huge, new SloOptions { Objective = 0.999 });
        act.Should().Throw<ArgumentException>().WithParameterName("minutes").WithMessage("Row 1*total*");

        MinuteCounts[] far = [new(0, 10, 0), new(SloReplay.MaxMinutes, 10, 1)];
        var tooLong = () => SloReplay.Run(far, new SloOptions { Objective = 0.999 });
        tooLong.Should().Throw<ArgumentException>().WithParameterName("minutes").WithMessage("Row 2*minute*");
    }

    [Fact]
    public void Run_SmallOutage_BurnRatesPerMinuteEqualTheHandComputation()
    {
        // Objective 0.9 (budget ratio 0.1), one rule: burn 2 over 4 min / 2 min, period 10 min. 10 requests a minute; minute 2 has
        // 5 errors, minute 3 has 10; minute 5 is missing (no requests). Long window at m = minutes m−3 … m, short = m−1 … m;
        // burn = errors / requests / 0.1:
        //   m:      0  1  2            3             4             5            6             7
        //   long:   0  0  5/30/.1=5/3  15/40/.1=3.75 15/40/.1=3.75 15/30/.1=5   10/30/.1=10/3 0/30=0
        //   short:  0  0  5/20/.1=2.5  15/20/.1=7.5  10/20/.1=5    0/10=0       0/20=0        0
        // Both above 2 at minutes 3 and 4 only: fires at 3, clears at 5.
        var options = new SloOptions { Objective = 0.9, Period = TimeSpan.FromMinutes(10) };
        options.Alerts.Add(new BurnRateAlertRule { LongWindow = TimeSpan.FromMinutes(4), ShortWindow = TimeSpan.FromMinutes(2), BurnRate = 2 });
        MinuteCounts[] minutes = [new(0, 10, 0), new(1, 10, 0), new(2, 10, 5), new(3, 10, 10), new(4, 10, 0), new(6, 10, 0), new(7, 10, 0)];

        var result = SloReplay.Run(minutes, options);

        var rates = result.BurnRates.Should().ContainSingle().Subject;
        (rates.Severity, rates.LongWindow, rates.ShortWindow, rates.Threshold).Should().Be((AlertSeverity.Page, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(2), 2.0));
        rates.LongWindowBurnRates.Should().Equal([0, 0, 5.0 / 3, 3.75, 3.75, 5, 10.0 / 3, 0], (a, e) => Math.Abs(a - e) < 1e-12);
        rates.ShortWindowBurnRates.Should().Equal([0, 0, 2.5, 7.5, 5, 0, 0, 0], (a, e) => Math.Abs(a - e) < 1e-12);
        result.Alerts.Select(a => (a.FiredAtMinute, a.ClearedAtMinute)).Should().Equal((3L, (long?)5L));
    }

    [Fact]
    public void Run_TenPercentOutageOfAnHour_FiresAndClearsAtTheWorkbookMinutes()
    {
        // Objective 0.999 (budget ratio 0.001); the outage's error ratio e = 0.1 in minutes s … s+59, s = 5000 so every window
        // (3 d = 4320 min at most) is full of traffic. k = outage minutes inside a window.
        const long s = 5000, d = 60;
        var result = SloReplay.Run(Outage(6000, s, d, 100), new SloOptions { Objective = 0.999 });

        // Page 14.4× 1h/5m: long k·0.1/60 > 0.0144 ⇔ k > 8.64 ⇒ k = 9 ⇒ fires at s + 8 (short 5·0.1/5 = 0.1 > 0.0144).
        //   After the outage the 5-min window holds c = s + d + 4 − m outage minutes; c·0.1/5 > 0.0144 ⇔ c ≥ 1 ⇒ clears at s + d + 4
        //   (the hour still holds 55 outage minutes: 0.0917 > 0.0144).
        // Page 6× 6h/30m: k·0.1/360 > 0.006 ⇔ k > 21.6 ⇒ fires at s + 21; c·0.1/30 > 0.006 ⇔ c ≥ 2, c = s + d + 29 − m ⇒ clears at s + d + 28.
        // Ticket 1× 3d/6h: k·0.1/4320 > 0.001 ⇔ k > 43.2 ⇒ fires at s + 43; c·0.1/360 > 0.001 ⇔ c ≥ 4, c = s + d + 359 − m ⇒ clears at s + d + 356
        //   (the 3 days still hold all 60: 6/4320 = 0.00139 > 0.001).
        result.Alerts.Select(a => (a.Severity, a.LongWindow, a.FiredAtMinute, a.ClearedAtMinute)).Should().Equal(
            (AlertSeverity.Page, TimeSpan.FromHours(1), s + 8, (long?)(s + d + 4)),
            (AlertSeverity.Page, TimeSpan.FromHours(6), s + 21, (long?)(s + d + 28)),
            (AlertSeverity.Ticket, TimeSpan.FromDays(3), s + 43, (long?)(s + d + 356)));

        // 6,000 errors among 6,000 minutes × 1,000 requests at a budget ratio of 0.001: exactly the whole budget.
        result.BudgetConsumed.Should().BeApproximately(1.0, 1e-12);
    }

    [Fact]
    public void Run_FullOutage_FiresFastPagesAtOnce_AndStillFiringAtTheEndHasNoClearMinute()
    {
        // e = 1 from minute s to the end: the 1 h rule needs k/60 > 0.0144 ⇔ k ≥ 1 ⇒ s; 6 h: k/360 > 0.006 ⇔ k > 2.16 ⇒ s + 2;
        // 3 d: k/4320 > 0.001 ⇔ k > 4.32 ⇒ s + 4. Nothing clears.
        const long s = 4400;
        var result = SloReplay.Run(Outage(4500, s, 1000, PerMinute), new SloOptions { Objective = 0.999 });
        result.Alerts.Select(a => a.FiredAtMinute).Should().Equal(s, s + 2, s + 4);
        result.Alerts.Should().OnlyContain(a => a.ClearedAtMinute == null);
    }

    [Fact]
    public void Run_TwoSeparateOutages_FireTheFastPageTwice()
    {
        // 14.4× over 1h/5m with e = 0.1: fires after 9 outage minutes; two 15-minute outages 200 minutes apart (the hour forgets
        // the first) each fire at start + 8 and clear at start + 15 + 4.
        var minutes = Outage(700, 300, 15, 100);
        for (var m = 500; m < 515; m++)
        {
            minutes[m] = new MinuteCounts(m, PerMinute, 100);
        }

        var options = new SloOptions { Objective = 0.999 };
        options.Alerts.Add(new BurnRateAlertRule { Severity = AlertSeverity.Page, LongWindow = TimeSpan.FromHours(1), ShortWindow = TimeSpan.FromMinutes(5), BurnRate = 14.4 });
        var result = SloReplay.Run(minutes, options);
        result.Alerts.Select(a => (a.FiredAtMinute, a.ClearedAtMinute)).Should().Equal((308L, (long?)319), (508L, (long?)519));
    }

    [Fact]
    public void Run_MissingMinutesHaveNoTraffic_AndTheShortWindowDecides()
    {
        // Only minutes 0 and 10 have traffic: 100 requests, 10 errors at minute 10. At minute 10 the hour holds 200 requests and
        // 10 errors (0.05 > 0.0144) and the 5 minutes 100 and 10 (0.1): fires at 10. At 15 the 5-minute window (10, 15] is empty
        // (ratio 0): clears at 15.
        var minutes = new List<MinuteCounts> { new(0, 100, 0), new(10, 100, 10), new(20, 1, 0) };
        var options = new SloOptions { Objective = 0.999 };
        options.Alerts.Add(new BurnRateAlertRule());
        SloReplay.Run(minutes, options).Alerts.Select(a => (a.FiredAtMinute, a.ClearedAtMinute)).Should().Equal((10L, (long?)15));
    }

    [Fact]
    public void Run_LowTrafficFloor_OneFailureAmongFewRequestsDoesNotPage()
    {
        // One request a minute and one failure at minute 100: the hour's ratio is 1/60 = 0.0167 > 0.0144 and it pages. With a floor
        // of 600 requests an hour the hour's denominator is max(60, 600) = 600: 1/600 = 0.0017, below the threshold.
        var minutes = Enumerable.Range(0, 200).Select(m => new MinuteCounts(m, 1, m == 100 ? 1 : 0)).ToList();
        var page = new SloOptions { Objective = 0.999 };
        page.Alerts.Add(new BurnRateAlertRule());
        SloReplay.Run(minutes, page).Alerts.Select(a => (a.FiredAtMinute, a.ClearedAtMinute)).Should().Equal((100L, (long?)105));
        page.LowTrafficMinimumRequestsPerHour = 600;
        SloReplay.Run(minutes, page).Alerts.Should().BeEmpty();
    }

    [Fact]
    public void Run_RatioExactlyAtTheThreshold_DoesNotFire()
    {
        // Burn 1 at objective 0.75: threshold ratio 0.25 (exact in binary); 25 errors in 100 in both windows equals it and must
        // not fire ("exceed" is strictly above), 26 must.
        var options = new SloOptions { Objective = 0.75, Period = TimeSpan.FromHours(2) };
        options.Alerts.Add(new BurnRateAlertRule { LongWindow = TimeSpan.FromMinutes(10), ShortWindow = TimeSpan.FromMinutes(2), BurnRate = 1 });
        var at = Enumerable.Range(0, 30).Select(m => new MinuteCounts(m, 100, 25)).ToList();
        SloReplay.Run(at, options).Alerts.Should().BeEmpty();
        var above = Enumerable.Range(0, 30).Select(m => new MinuteCounts(m, 100, 26)).ToList();
        SloReplay.Run(above, options).Alerts.Select(a => a.FiredAtMinute).Should().Equal(0L);
    }

    [Theory]
    [InlineData(-1, 10, 0)]
    [InlineData(5, 10, 11)]
    [InlineData(5, -1, 0)]
    public void Run_BadRow_ThrowsNamingTheRow(long minute, long total, long errors)
    {
        var act = () => SloReplay.Run([new MinuteCounts(0, 1, 0), new MinuteCounts(minute, total, errors)], new SloOptions());
        act.Should().Throw<ArgumentException>().WithMessage("Row 2*");
    }
}
