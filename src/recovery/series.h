// Heart rate and RMSSD once a second, from the beats: what episodes are found and fitted on.
// At whole second k of session time, over accepted beats (no artifact or contact-lost flag):
//   hr10(k), hr30(k)  60000 x beats / their RR sum, for beats in (k - 10, k] and (k - 30, k];
//                     NaN with fewer than 3 beats there
//   inst_hr(k)        60000 / RR of the latest beat at or before k; NaN if it was set aside or
//                     is older than kInstMaxAgeS (a gap). Causal, so live and stored agree.
//   rmssd30(k)        RMSSD of successive accepted intervals (not across a gap) whose second beat
//                     is in (k - 30, k]; NaN with fewer than 5 pairs
// Beats are added in time order; advance_to() computes the seconds up to a time, so the live
// session (one second at a time) and a stored one (all at once) get exactly the same numbers.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "session/beat.h"

namespace steady::recovery {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInstMaxAgeS = 2;  // no beat for this long: no instantaneous HR (30 bpm)

class SecondSeries {
  public:
    void add(const PlacedBeat& b);
    // Computes every whole second <= t_s not yet computed.
    void advance_to(double t_s);
    std::size_t seconds() const { return hr10_.size(); }  // index k is second k
    double hr10(std::size_t k) const { return hr10_[k]; }
    double hr30(std::size_t k) const { return hr30_[k]; }
    double inst_hr(std::size_t k) const { return inst_[k]; }
    double rmssd30(std::size_t k) const { return rmssd30_[k]; }
    // Beats with times in (from_s, to_s], and how many of them were set aside.
    std::pair<std::size_t, std::size_t> beats_between(double from_s, double to_s) const;

  private:
    double mean_hr(double from_s, double to_s, std::size_t& lo) const;
    std::vector<double> t_, rr_;
    std::vector<char> ok_, gap_;
    std::vector<double> hr10_, hr30_, inst_, rmssd30_;
    std::size_t lo10_ = 0, lo30_ = 0, lo_rm_ = 0, cover_ = 0;
};

}  // namespace steady::recovery
