// Detrending of a uniformly sampled series before spectral analysis.
// smoothness priors: Tarvainen, Ranta-aho & Karjalainen (2002), IEEE TBME 49(2):172-175. The
// trend solves (I + lambda^2 D2' D2) z_trend = z, with D2 the second-difference matrix; the
// system is symmetric positive-definite pentadiagonal, solved by banded Cholesky in O(n).
#pragma once

#include <span>
#include <vector>

#include "hrv/settings.h"

namespace steady::hrv {

// In place. none: subtract the mean once (Kubios "none"); linear: subtract the least-squares
// line; smoothness_priors: subtract the smoothness-priors trend (which includes the mean).
void detrend(std::span<double> x, Detrend method, double lambda);

// The smoothness-priors trend alone (exposed for tests).
std::vector<double> smoothness_priors_trend(std::span<const double> z, double lambda);

}  // namespace steady::hrv
