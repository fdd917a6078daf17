using MathNet.Numerics;

namespace CohortKit.Churn.Lifetimes;

/// <summary>The BG/NBD log-likelihood (FHL 2005, eq. 6) and its gradient with respect to (ln r, ln α, ln a, ln b).</summary>
/// <remarks>Per customer, LL = A₁ + A₂ + ln(e^{A₃} + δ_{x&gt;0} e^{A₄}) with A₁ = ln Γ(r+x) − ln Γ(r) + r ln α,
/// A₂ = ln B(a, b+x) − ln B(a, b), A₃ = −(r+x) ln(α+T), A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x). The log-sum is taken
/// stably, so no term overflows.</remarks>
internal sealed class BgNbdLikelihood(double[] x, double[] recency, double[] age)
{
    /// <summary>Returns the mean log-likelihood at <paramref name="logParameters"/> and writes its gradient.</summary>
    public double MeanAndGradient(double[] logParameters, Span<double> gradient)
    {
        var r = Math.Exp(logParameters[0]);
        var alpha = Math.Exp(logParameters[1]);
        var a = Math.Exp(logParameters[2]);
        var b = Math.Exp(logParameters[3]);
        double sum = 0, gr = 0, gAlpha = 0, ga = 0, gb = 0;
        var lnGammaR = SpecialFunctions.GammaLn(r);
        var psiR = SpecialFunctions.DiGamma(r);
        var lnAlpha = Math.Log(alpha);
        var psiAb = SpecialFunctions.DiGamma(a + b);
        var psiB = SpecialFunctions.DiGamma(b);
        var lnGammaAb = SpecialFunctions.GammaLn(a + b);
        var lnGammaB = SpecialFunctions.GammaLn(b);
        for (var i = 0; i < x.Length; i++)
        {
            var xi = x[i];
            var a1 = SpecialFunctions.GammaLn(r + xi) - lnGammaR + r * lnAlpha;
            var a2 = lnGammaAb + SpecialFunctions.GammaLn(b + xi) - lnGammaB - SpecialFunctions.GammaLn(a + b + xi);
            var lnAgeTerm = Math.Log(alpha + age[i]);
            var a3 = -(r + xi) * lnAgeTerm;
            var dA1dr = SpecialFunctions.DiGamma(r + xi) - psiR + lnAlpha;
            var psiAbx = SpecialFunctions.DiGamma(a + b + xi);
            var dA2da = psiAb - psiAbx;
            var dA2db = psiAb + SpecialFunctions.DiGamma(b + xi) - psiB - psiAbx;
            double w4 = 0, a34, dA4dr = 0, dA4dalpha = 0, dA4da = 0, dA4db = 0;
            if (xi > 0)
            {
                var lnRecencyTerm = Math.Log(alpha + recency[i]);
                var a4 = Math.Log(a) - Math.Log(b + xi - 1) - (r + xi) * lnRecencyTerm;
                var m = Math.Max(a3, a4);
                a34 = m + Math.Log(Math.Exp(a3 - m) + Math.Exp(a4 - m));
                w4 = Math.Exp(a4 - a34);
                dA4dr = -lnRecencyTerm;
                dA4dalpha = -(r + xi) / (alpha + recency[i]);
                dA4da = 1 / a;
                dA4db = -1 / (b + xi - 1);
            }
            else
            {
                a34 = a3;
            }

            var w3 = 1 - w4;
            sum += a1 + a2 + a34;
            gr += dA1dr + w3 * -lnAgeTerm + w4 * dA4dr;
            gAlpha += r / alpha + w3 * (-(r + xi) / (alpha + age[i])) + w4 * dA4dalpha;
            ga += dA2da + w4 * dA4da;
            gb += dA2db + w4 * dA4db;
        }

        var n = x.Length;
        gradient[0] = gr * r / n; // chain rule: ∂/∂ln θ = θ ∂/∂θ
        gradient[1] = gAlpha * alpha / n;
        gradient[2] = ga * a / n;
        gradient[3] = gb * b / n;
        return sum / n;
    }
}
