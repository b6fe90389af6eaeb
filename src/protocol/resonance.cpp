#include "protocol/resonance.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <optional>

#include "hrv/detrend.h"
#include "hrv/fft.h"
#include "hrv/resample.h"
#include "hrv/spectrum.h"
#include "sensor/sensor.h"

namespace steady::protocol {
namespace {

constexpr double kFs = 4.0;
constexpr std::size_t kNfft = 1024;
constexpr double kLfLo = 0.04, kLfHi = 0.15;
constexpr double kSmoothHalfWidthHz = 0.02;
constexpr double kPeakShare = 0.2;
constexpr std::uint32_t kRejected = kBeatSuspectedArtifact | kBeatContactLost;
constexpr double kPi = std::numbers::pi;

// Lung volume 0-1 at `pos_s` into a breath: raised cosine up over the inhale, down over the rest.
double volume(double pos_s, double inhale_s, double cycle_s) {
    if (pos_s < inhale_s) return 0.5 - 0.5 * std::cos(kPi * pos_s / inhale_s);
    return 0.5 + 0.5 * std::cos(kPi * (pos_s - inhale_s) / (cycle_s - inhale_s));
}

// The phase (radians) of y(t) sampled at t0 + k/fs, k < n, on one cycle of length c from t0.
double fundamental_phase(const std::vector<double>& y, double c) {
    double re = 0, im = 0;
    for (std::size_t k = 0; k < y.size(); ++k) {
        const double a = 2 * kPi * (static_cast<double>(k) / kFs) / c;
        re += y[k] * std::cos(a);
        im += y[k] * std::sin(a);
    }
    return std::atan2(im, re);
}

double wrap(double rad) {
    return std::remainder(rad, 2 * kPi);
}

}  // namespace

RfRate rate_criteria(std::span<const PlacedBeat> beats, const RfStep& step) {
    RfRate out;
    out.bpm = step.bpm;
    const double from = 0.5 * (step.start_s + step.end_s), to = step.end_s;
    std::vector<double> t, rr;
    for (const PlacedBeat& b : beats) {
        if (b.t_s < from - 3 || b.t_s > to + 3 || (b.flags & kRejected)) continue;
        t.push_back(b.t_s);
        rr.push_back(b.rr_ms);
    }
    if (t.size() < 8) return out;
    // HR at 4 Hz, linear between beats; each interval's rate sits at its middle (where it is the
    // heart's rate on average), not at its closing beat half an interval later.
    std::vector<double> hr(rr.size()), mid(rr.size());
    for (std::size_t i = 0; i < rr.size(); ++i) {
        hr[i] = 60000.0 / rr[i];
        mid[i] = t[i] - rr[i] / 2000.0;
    }
    const auto n = static_cast<std::size_t>((to - from) * kFs);
    const std::vector<double> hr4 =
        hrv::resample_grid(mid, hr, from, kFs, n, hrv::Interpolation::linear);

    // Breaths of the pacer wholly inside [from, to).
    double sin_sum = 0, cos_sum = 0, pt_sum = 0;
    int breaths = 0;
    const double c = step.cycle_s;
    if (c > 0) {
        for (double onset =
                 step.pacer_start_s + std::ceil((from - step.pacer_start_s) / c - 1e-9) * c;
             onset + c <= to + 1e-9; onset += c) {
            const auto k0 = static_cast<std::size_t>(std::llround((onset - from) * kFs));
            const auto len = static_cast<std::size_t>(std::llround(c * kFs));
            if (k0 + len > hr4.size()) break;
            const std::vector<double> y(hr4.begin() + static_cast<std::ptrdiff_t>(k0),
                                        hr4.begin() + static_cast<std::ptrdiff_t>(k0 + len));
            std::vector<double> v(len);
            for (std::size_t k = 0; k < len; ++k)
                v[k] = volume(static_cast<double>(k) / kFs, step.inhale_s, c);
            const double d = wrap(fundamental_phase(y, c) - fundamental_phase(v, c));
            // HR leading the breath is a positive phase: its fundamental's angle is smaller.
            sin_sum += std::sin(-d);
            cos_sum += std::cos(-d);
            const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
            pt_sum += *hi - *lo;
            ++breaths;
        }
    }
    if (breaths >= 2) {
        out.phase_deg = std::atan2(sin_sum, cos_sum) * 180 / kPi;
        out.peak_trough_bpm = pt_sum / breaths;
    }

    // The RR spectrum of the half step.
    std::vector<double> x = hrv::resample_grid(t, rr, from, kFs, n, hrv::Interpolation::cubic);
    if (x.size() < 64) return out;
    hrv::detrend(x, hrv::Detrend::linear, 0);
    const std::vector<double> w = hrv::make_window(hrv::Window::hann_symmetric, x.size());
    double w2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] *= w[i];
        w2 += w[i] * w[i];
    }
    const std::size_t nfft = std::max(kNfft, x.size() + (x.size() % 2));
    std::vector<double> power(nfft / 2 + 1);
    hrv::FftPlanCache plans;
    plans.power_spectrum(x, nfft, power);
    const double df = kFs / static_cast<double>(nfft);
    for (std::size_t k = 0; k < power.size(); ++k) {
        power[k] /= kFs * w2;  // ms^2/Hz
        if (k > 0 && k < power.size() - 1) power[k] *= 2;
    }
    const auto lo = static_cast<std::size_t>(std::ceil(kLfLo / df));
    const auto hi = static_cast<std::size_t>(std::floor(kLfHi / df));
    double lf = 0, peak = 0;
    std::size_t peak_k = lo;
    for (std::size_t k = lo; k <= hi; ++k) {
        lf += power[k] * df;
        if (power[k] > peak) peak = power[k], peak_k = k;
    }
    if (!(lf > 0)) return out;
    double near = 0;
    for (std::size_t k = lo; k <= hi; ++k)
        if (std::abs(static_cast<double>(k) - static_cast<double>(peak_k)) * df <=
            kSmoothHalfWidthHz)
            near += power[k] * df;
    int peaks = 0;
    for (std::size_t k = lo; k <= hi; ++k)
        if (power[k] >= kPeakShare * peak && power[k] >= power[k - 1] && power[k] > power[k + 1])
            ++peaks;
    out.lf_ms2 = lf;
    out.lf_peak_ms2_per_hz = peak;
    out.smoothness = near / lf;
    out.lf_peaks = peaks;
    return out;
}

RfResultEvent assess_resonance(std::span<const PlacedBeat> beats, std::span<const RfStep> steps) {
    RfResultEvent r;
    r.rule = kRule;
    for (const RfStep& s : steps) r.rates.push_back(rate_criteria(beats, s));
    struct Criterion {
        double weight;
        std::function<std::optional<double>(const RfRate&)> value;  // larger is better
    };
    const std::vector<Criterion> criteria{
        {kWeights[0],
         [](const RfRate& x) {
             return x.phase_deg ? std::optional(-std::abs(*x.phase_deg)) : std::nullopt;
         }},
        {kWeights[1], [](const RfRate& x) { return x.peak_trough_bpm; }},
        {kWeights[2], [](const RfRate& x) { return x.lf_ms2; }},
        {kWeights[3], [](const RfRate& x) { return x.lf_peak_ms2_per_hz; }},
        {kWeights[4], [](const RfRate& x) { return x.smoothness; }},
        {kWeights[5],
         [](const RfRate& x) {
             return x.lf_peaks ? std::optional(-static_cast<double>(*x.lf_peaks)) : std::nullopt;
         }},
    };
    // Only rates with every criterion are scored.
    std::vector<std::size_t> scored;
    for (std::size_t i = 0; i < r.rates.size(); ++i) {
        bool all = true;
        for (const Criterion& c : criteria) all = all && c.value(r.rates[i]).has_value();
        if (all) {
            scored.push_back(i);
            r.rates[i].score = 0.0;
        }
    }
    if (scored.empty()) return r;
    for (const Criterion& c : criteria) {
        double lo = 1e300, hi = -1e300;
        for (std::size_t i : scored) {
            const double v = *c.value(r.rates[i]);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        for (std::size_t i : scored) {
            const double norm = hi > lo ? (*c.value(r.rates[i]) - lo) / (hi - lo) : 1.0;
            *r.rates[i].score += c.weight * norm;
        }
    }
    std::size_t best = scored.front();
    for (std::size_t i : scored) {
        const RfRate &a = r.rates[i], &b = r.rates[best];
        if (*a.score > *b.score + 1e-12 ||
            (std::abs(*a.score - *b.score) <= 1e-12 && *a.peak_trough_bpm > *b.peak_trough_bpm))
            best = i;
    }
    r.suggested_bpm = r.rates[best].bpm;
    return r;
}

}  // namespace steady::protocol
