// A robust fit of a recovery curve: y(t) = level + amount * exp(-t / tau), t in seconds from the
// peak. Heart rate falls back (amount > 0); RMSSD rises back (amount < 0). Variable projection:
// for a given tau the model is linear in (level, amount), solved by weighted least squares; tau
// is searched on a log grid (kMinTauS-kMaxTauS) and refined by golden section, each candidate
// under Huber loss by iteratively reweighted least squares (scale from the residuals' MAD), so
// RSA swings and stray beats do not pull the curve. Derived: t50 = tau ln 2 and t90 = tau ln 10,
// the times at which the curve has covered 50 % and 90 % of the way from its peak value to its
// level (Christenfeld, Glynn & Gerin 2000 on why a fitted curve and not "time back to baseline";
// ../shared/reference/recovery-and-clinic.md s.1).
#pragma once

#include <optional>
#include <span>
#include <string>

namespace steady::recovery {

struct CurveFit {
    double level = 0;   // where the curve settles
    double amount = 0;  // its value at the peak minus the level
    double tau_s = 0;
    double t50_s = 0;
    double t90_s = 0;
    double r2 = 0;  // 1 - SS_res / SS_tot on kR2BinS means of the data and of the curve
    std::size_t points = 0;
};

constexpr double kMinTauS = 5;
constexpr double kMaxTauS = 7200;
constexpr double kHuberK = 1.345;  // in units of the residuals' robust SD
constexpr double kR2BinS = 10;     // R^2 on 10-s means: breathing's swings are not misfit

// Fits y(t_s); t_s ascending, from 0 (the peak), with tau at most max_tau_s, and the level
// fixed when `level` is given (a window too short to tell the level from the speed). Empty when
// fewer than 10 points, or when the data have no spread.
std::optional<CurveFit> fit_recovery(std::span<const double> t_s, std::span<const double> y,
                                     double max_tau_s = kMaxTauS,
                                     std::optional<double> level = std::nullopt);

}  // namespace steady::recovery
