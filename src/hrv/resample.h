// Uniform resampling of the tachogram (beat time, RR) for spectral analysis.
// Kubios convention: knots at beat times t_i = sum of RR up to i (the first sample sits at the end
// of the first interval), samples at t_0, t_0 + 1/fs, ... while < t_end.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "hrv/settings.h"

namespace steady::hrv {

// Cubic spline with not-a-knot ends (MATLAB spline / scipy CubicSpline default), or linear.
// `t_s` strictly increasing, same size as `y`, at least 2 points. Output: floor-ish
// ((t_end - t_0) * fs) samples; empty if fewer than 2 knots. Allocates only the output and an
// O(n) work vector.
std::vector<double> resample_uniform(std::span<const double> t_s, std::span<const double> y,
                                     double fs_hz, Interpolation method);

// Samples at t0 + k/fs for k < count; outside the knots the end pieces extrapolate.
std::vector<double> resample_grid(std::span<const double> t_s, std::span<const double> y,
                                  double t0_s, double fs_hz, std::size_t count,
                                  Interpolation method);

// Beat times in s as the running sum of RR (ms): t_i = sum_{k<=i} rr_k / 1000.
std::vector<double> beat_times_s(std::span<const double> rr_ms);

}  // namespace steady::hrv
