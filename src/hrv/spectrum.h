// Welch power spectral density of an RR tachogram and the band powers Kubios reports.
// Units: input RR in ms on a uniform grid of fs Hz; PSD in ms^2/Hz; band power in ms^2.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hrv/fft.h"
#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

// Window of length L (MATLAB hanning(L) for hann_symmetric: 0.5(1 - cos(2 pi k/(L+1))), k=1..L).
std::vector<double> make_window(Window w, std::size_t length);

// Welch PSD of an already detrended series `x` sampled at fs: segments of segment_s seconds with
// the given overlap, |FFT(w x)|^2 / (fs sum w^2), averaged, one-sided. A series shorter than one
// segment is one segment of its own length, zero-padded to the FFT length.
Spectrum welch_psd(std::span<const double> x, double fs_hz, const SpectrumSettings& s,
                   FftPlanCache& plans);

// Trapezoid over the bins with lo <= f <= hi (an edge bin belongs to both bands).
double band_power_ms2(const Spectrum& sp, Band b);
// Frequency of the largest PSD bin in the closed band.
double band_peak_hz(const Spectrum& sp, Band b);

// Resample, detrend, Welch, bands: the whole Kubios FFT pipeline from beat times and RR.
FrequencyDomain frequency_domain(std::span<const double> t_s, std::span<const double> rr_ms,
                                 const SpectrumSettings& s, FftPlanCache& plans);

}  // namespace steady::hrv
