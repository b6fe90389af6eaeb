#include "hrv/resample.h"

#include <cmath>
#include <cstddef>

namespace steady::hrv {

std::vector<double> beat_times_s(std::span<const double> rr_ms) {
    std::vector<double> t(rr_ms.size());
    double sum_ms = 0;
    for (std::size_t i = 0; i < rr_ms.size(); ++i) {
        sum_ms += rr_ms[i];
        t[i] = sum_ms / 1000.0;
    }
    return t;
}

namespace {

// Second derivatives M of the not-a-knot cubic spline through (x, y), n >= 4.
// The two not-a-knot conditions (third derivative continuous at x_1 and x_{n-2}) are folded into
// the first and last interior rows, which keeps the system tridiagonal (Thomas algorithm, O(n)).
struct SplineWork {
    std::vector<double> h, d, sub, diag, sup, rhs, moments, coef;
};

// Fills work.moments.
void not_a_knot_moments(std::span<const double> x, std::span<const double> y, SplineWork& work) {
    const std::size_t n = x.size();
    const std::size_t m = n - 2;  // interior unknowns M_1 .. M_{n-2}
    std::vector<double>& h = work.h;
    std::vector<double>& d = work.d;
    std::vector<double>& sub = work.sub;
    std::vector<double>& diag = work.diag;
    std::vector<double>& sup = work.sup;
    std::vector<double>& rhs = work.rhs;
    std::vector<double>& moments = work.moments;
    h.resize(n - 1);
    d.resize(n - 1);
    sub.resize(m);
    diag.resize(m);
    sup.resize(m);
    rhs.resize(m);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        h[i] = x[i + 1] - x[i];
        d[i] = (y[i + 1] - y[i]) / h[i];
    }
    for (std::size_t k = 0; k < m; ++k) {
        const std::size_t i = k + 1;
        sub[k] = h[i - 1];
        diag[k] = 2.0 * (h[i - 1] + h[i]);
        sup[k] = h[i];
        rhs[k] = 6.0 * (d[i] - d[i - 1]);
    }
    // M_0 = ((h0 + h1) M_1 - h0 M_2) / h1, substituted into row 1.
    const double a0 = h[0], b0 = h[1];
    diag[0] = (a0 + b0) * (a0 + 2.0 * b0) / b0;
    sup[0] = (b0 * b0 - a0 * a0) / b0;
    // M_{n-1} = ((a + b) M_{n-2} - b M_{n-3}) / a with a = h_{n-3}, b = h_{n-2}.
    const double a1 = h[n - 3], b1 = h[n - 2];
    diag[m - 1] = (a1 + b1) * (2.0 * a1 + b1) / a1;
    sub[m - 1] = (a1 * a1 - b1 * b1) / a1;

    // Forward elimination keeping 1/diag, so the back substitution multiplies instead of
    // dividing (the divisions form a dependency chain, most of a short window's time).
    diag[0] = 1.0 / diag[0];
    for (std::size_t k = 1; k < m; ++k) {
        const double w = sub[k] * diag[k - 1];
        rhs[k] -= w * rhs[k - 1];
        diag[k] = 1.0 / (diag[k] - w * sup[k - 1]);
    }
    moments.resize(n);
    moments[m] = rhs[m - 1] * diag[m - 1];
    for (std::size_t k = m - 1; k-- > 0;) {
        moments[k + 1] = (rhs[k] - sup[k] * moments[k + 2]) * diag[k];
    }
    moments[0] = ((a0 + b0) * moments[1] - a0 * moments[2]) / b0;
    moments[n - 1] = ((a1 + b1) * moments[n - 2] - b1 * moments[n - 3]) / a1;
}

template <typename Eval>
std::vector<double> sample_grid(std::span<const double> x, double t0, double fs_hz,
                                std::size_t count, Eval&& eval) {
    const double step = 1.0 / fs_hz;
    std::vector<double> out;
    out.reserve(count);
    std::size_t seg = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const double t = t0 + static_cast<double>(k) * step;
        while (seg + 2 < x.size() && t >= x[seg + 1]) ++seg;
        out.push_back(eval(seg, t));
    }
    return out;
}

}  // namespace

std::vector<double> resample_uniform(std::span<const double> t_s, std::span<const double> y,
                                     double fs_hz, Interpolation method) {
    if (t_s.size() < 2 || !(fs_hz > 0)) return {};
    const auto count =
        static_cast<std::size_t>(std::ceil((t_s.back() - t_s.front()) * fs_hz - 1e-9));
    return resample_grid(t_s, y, t_s.front(), fs_hz, count, method);
}

std::vector<double> resample_grid(std::span<const double> t_s, std::span<const double> y,
                                  double t0_s, double fs_hz, std::size_t count,
                                  Interpolation method) {
    const std::size_t n = t_s.size();
    if (n < 2 || y.size() != n || !(fs_hz > 0)) return {};
    if (method == Interpolation::linear || n == 2) {
        return sample_grid(t_s, t0_s, fs_hz, count, [&](std::size_t i, double t) {
            const double w = (t - t_s[i]) / (t_s[i + 1] - t_s[i]);
            return y[i] + w * (y[i + 1] - y[i]);
        });
    }
    if (n == 3) {  // not-a-knot with three points is the parabola through them
        const double x0 = t_s[0], x1 = t_s[1], x2 = t_s[2];
        const double d01 = (y[1] - y[0]) / (x1 - x0), d12 = (y[2] - y[1]) / (x2 - x1);
        const double c2 = (d12 - d01) / (x2 - x0);
        return sample_grid(t_s, t0_s, fs_hz, count, [&](std::size_t, double t) {
            return y[0] + d01 * (t - x0) + c2 * (t - x0) * (t - x1);
        });
    }
    // Short splines (the 17,000 64-s coherence windows of a 24-hour record) reuse one set of work
    // arrays per thread; long ones use their own rather than keep megabytes alive.
    constexpr std::size_t kReuseUpTo = 1024;
    thread_local SplineWork reused;
    SplineWork own;
    SplineWork& work = n <= kReuseUpTo ? reused : own;
    not_a_knot_moments(t_s, y, work);
    const std::vector<double>& M = work.moments;
    std::vector<double>& coef = work.coef;
    // Per interval, S(t) = ca a^3 + cb b^3 + cc a + cd b with a = t_{i+1} - t, b = t - t_i.
    coef.resize(4 * (n - 1));
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const double h = t_s[i + 1] - t_s[i], inv_h = 1.0 / h, h6 = h / 6.0;
        coef[4 * i] = M[i] * inv_h / 6.0;
        coef[4 * i + 1] = M[i + 1] * inv_h / 6.0;
        coef[4 * i + 2] = y[i] * inv_h - M[i] * h6;
        coef[4 * i + 3] = y[i + 1] * inv_h - M[i + 1] * h6;
    }
    return sample_grid(t_s, t0_s, fs_hz, count, [&](std::size_t i, double t) {
        const double a = t_s[i + 1] - t, b = t - t_s[i];
        const double* c = coef.data() + 4 * i;
        return c[0] * a * a * a + c[1] * b * b * b + c[2] * a + c[3] * b;
    });
}

}  // namespace steady::hrv
