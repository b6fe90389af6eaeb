#include "recovery/fit.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace steady::recovery {
namespace {

struct Trial {
    double level = 0, amount = 0, loss = 1e300;
};

// Weighted least squares for y = level + amount * phi. False when singular.
// With `fixed`, the level is given and only the amount is solved for.
bool solve(std::span<const double> phi, std::span<const double> y, std::span<const double> w,
           double& level, double& amount, const std::optional<double>& fixed) {
    if (fixed) {
        double spp = 0, spy = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            spp += w[i] * phi[i] * phi[i];
            spy += w[i] * phi[i] * (y[i] - *fixed);
        }
        if (!(spp > 0)) return false;
        level = *fixed;
        amount = spy / spp;
        return true;
    }
    double sw = 0, sp = 0, spp = 0, sy = 0, spy = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        sw += w[i];
        sp += w[i] * phi[i];
        spp += w[i] * phi[i] * phi[i];
        sy += w[i] * y[i];
        spy += w[i] * phi[i] * y[i];
    }
    const double det = sw * spp - sp * sp;
    if (!(std::abs(det) > 1e-12 * sw * spp)) return false;
    amount = (sw * spy - sp * sy) / det;
    level = (sy - amount * sp) / sw;
    return true;
}

double median(std::vector<double> v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// Huber fit of (level, amount) at one tau, by IRLS; returns the Huber loss at a scale fixed from
// the least-squares residuals, so losses of different taus compare.
Trial at_tau(double tau, std::span<const double> t, std::span<const double> y, double scale,
             std::vector<double>& phi, std::vector<double>& w, const std::optional<double>& fixed) {
    for (std::size_t i = 0; i < t.size(); ++i) phi[i] = std::exp(-t[i] / tau);
    std::fill(w.begin(), w.end(), 1.0);
    Trial tr;
    const double k = kHuberK * scale;
    for (int iter = 0; iter < 8; ++iter) {
        if (!solve(phi, y, w, tr.level, tr.amount, fixed)) return {};
        for (std::size_t i = 0; i < y.size(); ++i) {
            const double r = std::abs(y[i] - tr.level - tr.amount * phi[i]);
            w[i] = r <= k ? 1.0 : k / r;
        }
    }
    tr.loss = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double r = std::abs(y[i] - tr.level - tr.amount * phi[i]);
        tr.loss += r <= k ? 0.5 * r * r : k * (r - 0.5 * k);
    }
    return tr;
}

}  // namespace

std::optional<CurveFit> fit_recovery(std::span<const double> t, std::span<const double> y,
                                     double max_tau_s, std::optional<double> fixed) {
    const double max_lt = std::log(std::clamp(max_tau_s, kMinTauS * 2, kMaxTauS));
    const std::size_t n = y.size();
    if (n < 10 || t.size() != n) return std::nullopt;
    double mean = 0;
    for (const double v : y) mean += v;
    mean /= static_cast<double>(n);
    double ss_tot = 0;
    for (const double v : y) ss_tot += (v - mean) * (v - mean);
    if (!(ss_tot > 0)) return std::nullopt;

    std::vector<double> phi(n), w(n, 1.0);
    // The noise scale: MAD of the residuals of the best least-squares fit on a coarse grid.
    double scale = 0;
    {
        double best = 1e300, best_tau = 60;
        for (double lt = std::log(kMinTauS); lt <= max_lt; lt += 0.25) {
            const double tau = std::exp(lt);
            for (std::size_t i = 0; i < n; ++i) phi[i] = std::exp(-t[i] / tau);
            double level = 0, amount = 0, ss = 0;
            if (!solve(phi, y, w, level, amount, fixed)) continue;
            for (std::size_t i = 0; i < n; ++i)
                ss += (y[i] - level - amount * phi[i]) * (y[i] - level - amount * phi[i]);
            if (ss < best) best = ss, best_tau = tau;
        }
        std::vector<double> res(n);
        for (std::size_t i = 0; i < n; ++i) phi[i] = std::exp(-t[i] / best_tau);
        double level = 0, amount = 0;
        solve(phi, y, w, level, amount, fixed);
        for (std::size_t i = 0; i < n; ++i) res[i] = std::abs(y[i] - level - amount * phi[i]);
        scale = 1.4826 * median(res);
        if (!(scale > 0)) scale = std::sqrt(best / static_cast<double>(n)) + 1e-9;
    }
    // Coarse log grid under Huber loss, then golden section around the best.
    constexpr double kStep = 0.1;
    double best_lt = std::log(kMinTauS);
    Trial best;
    for (double lt = std::log(kMinTauS); lt <= max_lt + 1e-9; lt += kStep) {
        const Trial tr = at_tau(std::exp(lt), t, y, scale, phi, w, fixed);
        if (tr.loss < best.loss) best = tr, best_lt = lt;
    }
    double a = std::max(std::log(kMinTauS), best_lt - kStep);
    double b = std::min(max_lt, best_lt + kStep);
    const double g = (std::sqrt(5.0) - 1) / 2;
    double c = b - g * (b - a), d = a + g * (b - a);
    Trial tc = at_tau(std::exp(c), t, y, scale, phi, w, fixed);
    Trial td = at_tau(std::exp(d), t, y, scale, phi, w, fixed);
    for (int i = 0; i < 40 && b - a > 1e-5; ++i) {
        if (tc.loss < td.loss) {
            b = d, d = c, td = tc;
            c = b - g * (b - a);
            tc = at_tau(std::exp(c), t, y, scale, phi, w, fixed);
        } else {
            a = c, c = d, tc = td;
            d = a + g * (b - a);
            td = at_tau(std::exp(d), t, y, scale, phi, w, fixed);
        }
    }
    double lt = tc.loss < td.loss ? c : d;
    Trial fin = tc.loss < td.loss ? tc : td;
    if (best.loss < fin.loss) fin = best, lt = best_lt;
    if (fin.loss >= 1e300) return std::nullopt;

    CurveFit f;
    f.tau_s = std::exp(lt);
    f.level = fin.level;
    f.amount = fin.amount;
    f.t50_s = f.tau_s * std::numbers::ln2;
    f.t90_s = f.tau_s * std::numbers::ln10;
    // R^2 on kR2BinS means of the data and of the curve: the breath-to-breath swings of HR
    // (RSA, which a 1-Hz series keeps) are not misfit of the recovery.
    std::vector<double> data_means, model_means;
    for (std::size_t i = 0; i < n;) {
        const double bin = std::floor(t[i] / kR2BinS);
        double sy = 0, sm = 0;
        std::size_t m = 0;
        for (; i < n && std::floor(t[i] / kR2BinS) == bin; ++i, ++m) {
            sy += y[i];
            sm += f.level + f.amount * std::exp(-t[i] / f.tau_s);
        }
        data_means.push_back(sy / static_cast<double>(m));
        model_means.push_back(sm / static_cast<double>(m));
    }
    double bin_mean = 0;
    for (const double v : data_means) bin_mean += v;
    bin_mean /= static_cast<double>(data_means.size());
    double ss_res = 0, ss_bins = 0;
    for (std::size_t k = 0; k < data_means.size(); ++k) {
        ss_res += (data_means[k] - model_means[k]) * (data_means[k] - model_means[k]);
        ss_bins += (data_means[k] - bin_mean) * (data_means[k] - bin_mean);
    }
    f.r2 = ss_bins > 0 ? 1 - ss_res / ss_bins : 0;
    f.points = n;
    return f;
}

}  // namespace steady::recovery
