// Time-domain HRV (Kubios conventions, ../shared/reference/hrv-methods.md section 1).
// Input: RR in ms, at least kMinBeatsTimeDomain values.
#pragma once

#include <cstddef>
#include <span>

#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

constexpr std::size_t kMinBeatsTimeDomain = 3;  // SDSD needs two successive differences

TimeDomain time_domain(std::span<const double> rr_ms, const TimeDomainSettings& s = {});

// Building blocks shared with the rolling (live) metrics.
double mean(std::span<const double> x);
double sample_sd(std::span<const double> x);  // N-1 denominator
double rmssd_ms(std::span<const double> rr_ms);

}  // namespace steady::hrv
