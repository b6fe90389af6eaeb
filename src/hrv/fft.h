// Real-input FFT through KissFFT, with plans made once per length and reused.
// Debian ships KissFFT's float build only: the analysis stays in double and converts at this
// boundary. The Kubios agreement tests (tests/hrv/test_kubios.cpp) show float is enough: PSD
// bins agree with Kubios's export to ~1e-8 relative.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <vector>

namespace steady::hrv {

// Not thread-safe: one cache per analysing thread (each Analyzer owns one).
class FftPlanCache {
  public:
    FftPlanCache();
    ~FftPlanCache();
    FftPlanCache(const FftPlanCache&) = delete;
    FftPlanCache& operator=(const FftPlanCache&) = delete;

    // |X_k|^2 for k = 0..nfft/2 of the real input `x` zero-padded to `nfft` (even, >= x.size()).
    // Writes nfft/2 + 1 values into `power`. Allocates only on the first call for an nfft.
    void power_spectrum(std::span<const double> x, std::size_t nfft, std::span<double> power);

    std::size_t plans() const { return plans_.size(); }

  private:
    struct Plan;
    Plan& plan(std::size_t nfft);
    std::map<std::size_t, std::unique_ptr<Plan>> plans_;
};

}  // namespace steady::hrv
