#include "hrv/spectrum.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "hrv/detrend.h"
#include "hrv/resample.h"

namespace steady::hrv {

namespace {
constexpr double kBinTolerance = 1e-9;  // bins within this many bin widths of an edge are inside
}

std::vector<double> make_window(Window w, std::size_t length) {
    std::vector<double> out(length, 1.0);
    const double L = static_cast<double>(length);
    for (std::size_t i = 0; i < length; ++i) {
        const double k = static_cast<double>(i);
        switch (w) {
            case Window::hann_symmetric:
                out[i] = 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * (k + 1.0) / (L + 1.0)));
                break;
            case Window::hann_periodic:
                out[i] = 0.5 * (1.0 - std::cos(2.0 * std::numbers::pi * k / L));
                break;
            case Window::rectangular:
                break;
        }
    }
    return out;
}

Spectrum welch_psd(std::span<const double> x, double fs_hz, const SpectrumSettings& s,
                   FftPlanCache& plans) {
    Spectrum sp;
    auto nfft = static_cast<std::size_t>(std::lround(s.segment_s * fs_hz));
    nfft += nfft % 2;  // KissFFT's real transform wants an even length
    const std::size_t seg_len = std::min(nfft, x.size());
    if (seg_len < 2) return sp;
    const auto step = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::lround(static_cast<double>(seg_len) * (1.0 - s.overlap))));
    const std::vector<double> w = make_window(s.window, seg_len);
    double w2 = 0;
    for (double v : w) w2 += v * v;

    sp.df_hz = fs_hz / static_cast<double>(nfft);
    sp.psd_ms2_hz.assign(nfft / 2 + 1, 0.0);
    std::vector<double> seg(seg_len), power(nfft / 2 + 1);
    for (std::size_t start = 0; start + seg_len <= x.size(); start += step) {
        for (std::size_t i = 0; i < seg_len; ++i) seg[i] = w[i] * x[start + i];
        plans.power_spectrum(seg, nfft, power);
        for (std::size_t k = 0; k < power.size(); ++k) sp.psd_ms2_hz[k] += power[k];
        ++sp.segments;
    }
    const double scale = 1.0 / (fs_hz * w2 * static_cast<double>(sp.segments));
    for (std::size_t k = 0; k < sp.psd_ms2_hz.size(); ++k) {
        const bool doubled = k > 0 && k < nfft / 2;  // one-sided: DC and Nyquist appear once
        sp.psd_ms2_hz[k] *= scale * (doubled ? 2.0 : 1.0);
    }
    return sp;
}

namespace {
std::pair<std::size_t, std::size_t> band_bins(const Spectrum& sp, Band b) {
    const double last = static_cast<double>(sp.psd_ms2_hz.size() - 1);
    const double lo = std::clamp(std::ceil(b.lo_hz / sp.df_hz - kBinTolerance), 0.0, last);
    const double hi = std::clamp(std::floor(b.hi_hz / sp.df_hz + kBinTolerance), 0.0, last);
    return {static_cast<std::size_t>(lo), static_cast<std::size_t>(hi)};
}
}  // namespace

double band_power_ms2(const Spectrum& sp, Band b) {
    if (sp.psd_ms2_hz.size() < 2) return 0.0;
    auto [lo, hi] = band_bins(sp, b);
    double sum = 0;
    for (std::size_t k = lo; k < hi; ++k) {
        sum += 0.5 * (sp.psd_ms2_hz[k] + sp.psd_ms2_hz[k + 1]) * sp.df_hz;
    }
    return sum;
}

double band_peak_hz(const Spectrum& sp, Band b) {
    if (sp.psd_ms2_hz.empty()) return 0.0;
    auto [lo, hi] = band_bins(sp, b);
    std::size_t best = lo;
    for (std::size_t k = lo; k <= hi; ++k) {
        if (sp.psd_ms2_hz[k] > sp.psd_ms2_hz[best]) best = k;
    }
    return sp.freq_hz(best);
}

FrequencyDomain frequency_domain(std::span<const double> t_s, std::span<const double> rr_ms,
                                 const SpectrumSettings& s, FftPlanCache& plans) {
    std::vector<double> x = resample_uniform(t_s, rr_ms, s.resample_hz, s.interpolation);
    detrend(x, s.detrend, s.lambda);
    FrequencyDomain f;
    f.spectrum = welch_psd(x, s.resample_hz, s, plans);
    f.vlf_ms2 = band_power_ms2(f.spectrum, s.vlf);
    f.lf_ms2 = band_power_ms2(f.spectrum, s.lf);
    f.hf_ms2 = band_power_ms2(f.spectrum, s.hf);
    f.total_ms2 = band_power_ms2(f.spectrum, {s.vlf.lo_hz, s.hf.hi_hz});
    if (f.total_ms2 > 0) {
        f.vlf_pct = 100.0 * f.vlf_ms2 / f.total_ms2;
        f.lf_pct = 100.0 * f.lf_ms2 / f.total_ms2;
        f.hf_pct = 100.0 * f.hf_ms2 / f.total_ms2;
    }
    const double lf_hf_total = f.total_ms2 - f.vlf_ms2;
    if (lf_hf_total > 0) {
        f.lf_nu = 100.0 * f.lf_ms2 / lf_hf_total;
        f.hf_nu = 100.0 * f.hf_ms2 / lf_hf_total;
    }
    if (f.hf_ms2 > 0) f.lf_hf = f.lf_ms2 / f.hf_ms2;
    f.vlf_peak_hz = band_peak_hz(f.spectrum, s.vlf);
    f.lf_peak_hz = band_peak_hz(f.spectrum, s.lf);
    f.hf_peak_hz = band_peak_hz(f.spectrum, s.hf);
    return f;
}

}  // namespace steady::hrv
