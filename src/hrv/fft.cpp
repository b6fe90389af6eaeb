#include "hrv/fft.h"

#include <kiss_fftr.h>

#include <stdexcept>
#include <string>

namespace steady::hrv {

struct FftPlanCache::Plan {
    kiss_fftr_cfg cfg = nullptr;
    std::vector<kiss_fft_scalar> in;
    std::vector<kiss_fft_cpx> out;
    explicit Plan(std::size_t nfft) : in(nfft), out(nfft / 2 + 1) {
        cfg = kiss_fftr_alloc(static_cast<int>(nfft), 0, nullptr, nullptr);
        if (!cfg) throw std::runtime_error("KissFFT could not plan length " + std::to_string(nfft));
    }
    ~Plan() { kiss_fftr_free(cfg); }
    Plan(const Plan&) = delete;
    Plan& operator=(const Plan&) = delete;
};

FftPlanCache::FftPlanCache() = default;
FftPlanCache::~FftPlanCache() = default;

FftPlanCache::Plan& FftPlanCache::plan(std::size_t nfft) {
    if (nfft < 2 || nfft % 2 != 0) {
        throw std::invalid_argument("FFT length must be even and >= 2, got " +
                                    std::to_string(nfft));
    }
    auto it = plans_.find(nfft);
    if (it == plans_.end()) it = plans_.emplace(nfft, std::make_unique<Plan>(nfft)).first;
    return *it->second;
}

void FftPlanCache::power_spectrum(std::span<const double> x, std::size_t nfft,
                                  std::span<double> power) {
    Plan& p = plan(nfft);
    if (x.size() > nfft || power.size() < nfft / 2 + 1) {
        throw std::invalid_argument("power_spectrum: buffer sizes do not fit the FFT length");
    }
    std::size_t i = 0;
    for (; i < x.size(); ++i) p.in[i] = static_cast<kiss_fft_scalar>(x[i]);
    for (; i < nfft; ++i) p.in[i] = 0;
    kiss_fftr(p.cfg, p.in.data(), p.out.data());
    for (std::size_t k = 0; k <= nfft / 2; ++k) {
        const double re = p.out[k].r, im = p.out[k].i;
        power[k] = re * re + im * im;
    }
}

}  // namespace steady::hrv
