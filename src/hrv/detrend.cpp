#include "hrv/detrend.h"

#include <cmath>
#include <cstddef>
#include <limits>
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
    // Away from the ends A's rows are all alike, so the rows of L converge: once a row equals
    // the one before to within a few ulps, the interior reuses it (a 24-hour record at 4 Hz has
    // 345,600 rows; at lambda 500 they converge by row 455). The forward pass stores y in `out`
    // and the backward pass overwrites it with the trend.
    struct Row {
        double c0 = 0, c1 = 0, c2 = 0;
    };
    std::vector<Row> head;  // rows 0..k; rows k+1..n-3 equal head.back() once converged
    std::vector<Row> tail;  // rows n-2 and n-1 when converged
    bool converged = false;
    const auto row = [&](std::size_t i) -> const Row& {
        if (i < head.size()) return head[i];
        if (i + 2 >= n) return tail[i + 2 - n];
        return head.back();
    };
    const auto close = [](double x, double y) {
        return std::abs(x - y) <= 4 * std::numeric_limits<double>::epsilon() * std::abs(y);
    };
    std::vector<double> out(n);
    Row prev1, prev2;  // rows i-1 and i-2
    for (std::size_t i = 0; i < n; ++i) {
        Row r;
        if (converged && i + 2 < n) {
            r = head.back();
        } else {
            if (i >= 2) r.c2 = a2 / prev2.c0;
            if (i >= 1) r.c1 = (a1(i - 1) - (i >= 2 ? r.c2 * prev1.c1 : 0.0)) / prev1.c0;
            r.c0 = std::sqrt(a0(i) - r.c1 * r.c1 - r.c2 * r.c2);
            if (converged) {
                tail.push_back(r);
            } else {
                converged = i >= 4 && i + 3 < n && close(r.c0, prev1.c0) && close(r.c1, prev1.c1) &&
                            close(r.c2, prev1.c2);
                head.push_back(r);
            }
        }
        double v = z[i];
        if (i >= 1) v -= r.c1 * out[i - 1];
        if (i >= 2) v -= r.c2 * out[i - 2];
        out[i] = v / r.c0;
        prev2 = prev1;
        prev1 = r;
    }
    for (std::size_t i = n; i-- > 0;) {
        double v = out[i];
        if (i + 1 < n) v -= row(i + 1).c1 * out[i + 1];
        if (i + 2 < n) v -= row(i + 2).c2 * out[i + 2];
        out[i] = v / row(i).c0;
    }
    return out;
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
