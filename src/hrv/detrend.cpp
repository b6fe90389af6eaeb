#include "hrv/detrend.h"

#include <cmath>
#include <cstddef>
#include <numeric>

namespace steady::hrv {

std::vector<double> smoothness_priors_trend(std::span<const double> z, double lambda) {
    const std::size_t n = z.size();
    if (n < 3)
        return std::vector<double>(n,
                                   n ? std::accumulate(z.begin(), z.end(), 0.0) / double(n) : 0.0);
    const double l2 = lambda * lambda;
    // Bands of A = I + l2 * D2'D2: diagonal a0, first off-diagonal a1, second a2.
    auto a0 = [&](std::size_t i) {
        double v;
        if (i == 0 || i == n - 1)
            v = 1;
        else if (i == 1 || i == n - 2)
            v = 5;
        else
            v = 6;
        if (n == 3 && i == 1) v = 4;
        return 1.0 + l2 * v;
    };
    auto a1 = [&](std::size_t i) {  // A[i][i+1]
        double v = (i == 0 || i == n - 2) ? -2 : -4;
        return l2 * v;
    };
    const double a2 = l2;  // A[i][i+2]
    // Banded Cholesky: A = L L', L lower with diagonal c0, sub-diagonals c1 (i,i-1), c2 (i,i-2).
    std::vector<double> c0(n), c1(n, 0.0), c2(n, 0.0), y(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (i >= 2) c2[i] = a2 / c0[i - 2];
        if (i >= 1) c1[i] = (a1(i - 1) - (i >= 2 ? c2[i] * c1[i - 1] : 0.0)) / c0[i - 1];
        c0[i] = std::sqrt(a0(i) - c1[i] * c1[i] - c2[i] * c2[i]);
        double r = z[i];
        if (i >= 1) r -= c1[i] * y[i - 1];
        if (i >= 2) r -= c2[i] * y[i - 2];
        y[i] = r / c0[i];
    }
    std::vector<double> trend(n);
    for (std::size_t i = n; i-- > 0;) {
        double r = y[i];
        if (i + 1 < n) r -= c1[i + 1] * trend[i + 1];
        if (i + 2 < n) r -= c2[i + 2] * trend[i + 2];
        trend[i] = r / c0[i];
    }
    return trend;
}

void detrend(std::span<double> x, Detrend method, double lambda) {
    const std::size_t n = x.size();
    if (n == 0) return;
    switch (method) {
        case Detrend::none: {
            const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(n);
            for (double& v : x) v -= mean;
            return;
        }
        case Detrend::linear: {
            // Least squares on k = 0..n-1, centred so the sums stay well conditioned.
            const double kc = (static_cast<double>(n) - 1.0) / 2.0;
            double sy = 0, sky = 0, skk = 0;
            for (std::size_t k = 0; k < n; ++k) {
                const double dk = static_cast<double>(k) - kc;
                sy += x[k];
                sky += dk * x[k];
                skk += dk * dk;
            }
            const double mean = sy / static_cast<double>(n);
            const double slope = skk > 0 ? sky / skk : 0.0;
            for (std::size_t k = 0; k < n; ++k)
                x[k] -= mean + slope * (static_cast<double>(k) - kc);
            return;
        }
        case Detrend::smoothness_priors: {
            const std::vector<double> trend = smoothness_priors_trend(x, lambda);
            for (std::size_t k = 0; k < n; ++k) x[k] -= trend[k];
            return;
        }
    }
}

}  // namespace steady::hrv
