// Nonlinear HRV: Poincare SD1/SD2, detrended fluctuation analysis, sample entropy.
// Input: RR in ms. A metric that needs more beats than given is left empty.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "hrv/results.h"
#include "hrv/settings.h"

namespace steady::hrv {

constexpr std::size_t kMinBeatsPoincare = 3;
// DFA needs at least 4 boxes of the largest size for a stable fluctuation estimate.
constexpr std::size_t kDfaBoxesAtLargestScale = 4;
constexpr std::size_t kMinBeatsSampen = 50;

// SD1 = SD((RR[n+1]-RR[n])/sqrt2), SD2 = SD((RR[n+1]+RR[n])/sqrt2), N-1 denominators.
void poincare(std::span<const double> rr_ms, Nonlinear& out);

// DFA scaling exponent over box sizes [min_box, max_box] beats: non-overlapping boxes from the
// start, linear detrending in each box, alpha = slope of log F(n) against log n.
std::optional<double> dfa_alpha(std::span<const double> rr_ms, int min_box, int max_box);

// Sample entropy (Richman & Moorman 2000) with tolerance r (same unit as x), Chebyshev distance,
// self-matches excluded, N-m templates for both lengths. Empty when no template matches.
// Exact match counts without comparing every pair: count_close_pairs (pair_count.h) for m <= 3,
// a scan of templates sorted by their first value for longer ones.
std::optional<double> sample_entropy(std::span<const double> x, int m, double r);

Nonlinear nonlinear(std::span<const double> rr_ms, const NonlinearSettings& s);

// nonlinear() as independent parts, so a long record can spread them over threads: run(k) once
// for every k < parts(), in any order and on any threads, then result(). A long record has
// three parts, costliest first (24-hour record: the length-(m+1) match count, the length-m
// count, then Poincare and DFA); a short one has one. Same result as nonlinear().
class NonlinearJob {
  public:
    NonlinearJob(std::span<const double> rr_ms, const NonlinearSettings& s);
    std::size_t parts() const { return split_ ? 3 : 1; }
    void run(std::size_t part);
    Nonlinear result() const;

  private:
    std::span<const double> rr_;
    NonlinearSettings s_;
    bool split_ = false;
    double r_ = 0;
    std::uint64_t matches_m_ = 0, matches_m1_ = 0;
    Nonlinear out_;
};

}  // namespace steady::hrv
