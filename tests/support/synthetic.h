// Synthetic RR series with known ground truth, for tests and benchmarks (fixed seeds).
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <random>
#include <vector>

namespace steady::test {

struct Tone {
    double freq_hz;
    double amplitude_ms;  // power A^2/2 ms^2
    double phase = 0;
};

// Beats whose RR equals mean + sum of tones evaluated at the beat's own time:
// rr_i = g(t_i), t_i = t_{i-1} + rr_i / 1000, solved by fixed-point iteration, so the tachogram
// samples lie exactly on the analytic curve.
inline std::vector<double> tone_tachogram(double mean_ms, const std::vector<Tone>& tones,
                                          double duration_s, double noise_sd_ms = 0,
                                          unsigned seed = 1) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, noise_sd_ms > 0 ? noise_sd_ms : 1.0);
    std::vector<double> rr;
    double t = 0;
    while (t < duration_s) {
        const double e = noise_sd_ms > 0 ? noise(rng) : 0.0;
        double r = mean_ms;
        for (int it = 0; it < 50; ++it) {
            const double ti = t + r / 1000.0;
            double g = mean_ms + e;
            for (const Tone& tone : tones) {
                g += tone.amplitude_ms *
                     std::sin(2 * std::numbers::pi * tone.freq_hz * ti + tone.phase);
            }
            if (std::abs(g - r) < 1e-12) break;
            r = g;
        }
        rr.push_back(r);
        t += r / 1000.0;
    }
    return rr;
}

// A physiological-looking clean series: RSA at 0.25 Hz, Mayer waves at 0.1 Hz, slow drift, noise.
inline std::vector<double> physiological_rr(double duration_s, unsigned seed = 7,
                                            double mean_ms = 900) {
    return tone_tachogram(mean_ms, {{0.25, 35}, {0.1, 25, 1.0}, {0.01, 40, 2.0}}, duration_s, 12,
                          seed);
}

}  // namespace steady::test
