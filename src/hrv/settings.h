// Analysis settings: every convention the HRV core can follow, as plain data.
// Defaults reproduce Kubios HRV (see ../shared/reference/hrv-methods.md); every departure from
// Kubios is a named option here, never a hidden constant in the code that uses it.
#pragma once

#include <string_view>

namespace steady::hrv {

enum class ArtifactMethod {
    none,              // analyse as recorded; the automatic detector still reports suspects
    automatic,         // Lipponen & Tarvainen (2019), what Kubios calls "automatic correction"
    threshold_low,     // Kubios threshold method, 0.35 s at 60 beats/min
    threshold_medium,  // 0.25 s
    threshold_strong,  // 0.15 s
};

enum class Interpolation { cubic, linear };
enum class Detrend { smoothness_priors, none, linear };
enum class Window { hann_symmetric, hann_periodic, rectangular };

struct ArtifactSettings {
    ArtifactMethod method = ArtifactMethod::none;
    double min_rr_ms = 250.0;   // physiological range: 240 beats/min
    double max_rr_ms = 2500.0;  // 24 beats/min
    // Lipponen & Tarvainen (2019) constants, as published.
    double alpha = 5.2;  // threshold = alpha x quartile deviation
    int threshold_window_beats = 91;
    int median_window_beats = 11;
    double c1 = 0.13;
    double c2 = 0.17;
};

struct Band {
    double lo_hz;
    double hi_hz;
};

struct SpectrumSettings {
    double resample_hz = 4.0;
    Interpolation interpolation = Interpolation::cubic;
    Detrend detrend = Detrend::smoothness_priors;
    double lambda = 500.0;     // smoothness-priors regularisation (Tarvainen 2002)
    double segment_s = 300.0;  // Welch segment; also the FFT length (1/300 Hz bins)
    double overlap = 0.5;      // fraction of a segment shared with the next, in [0, 1)
    Window window = Window::hann_symmetric;  // MATLAB hanning(L), as Kubios
    Band vlf{0.0, 0.04};
    Band lf{0.04, 0.15};
    Band hf{0.15, 0.4};
};

struct NonlinearSettings {
    int dfa_short_min_beats = 4;
    int dfa_short_max_beats = 16;
    int dfa_long_min_beats = 16;
    int dfa_long_max_beats = 64;
    int sampen_m = 2;
    double sampen_r_sd = 0.2;  // tolerance as a fraction of the SD of the series
};

struct CoherenceSettings {
    double window_s = 64.0;  // HeartMath: last 64 s of beats
    double step_s = 5.0;     // recomputed every 5 s
    double resample_hz = 2.0;
    Band search{0.04, 0.26};           // where the peak is looked for
    double peak_halfwidth_hz = 0.015;  // peak power = power within +-0.015 Hz of the peak
};

struct TimeDomainSettings {
    double nn_threshold_a_ms = 50.0;           // NN50
    double nn_threshold_b_ms = 20.0;           // NN20
    double histogram_bin_ms = 1000.0 / 128.0;  // 7.8125 ms, Kubios / Task Force
};

struct AnalysisSettings {
    ArtifactSettings artifacts;
    TimeDomainSettings time;
    SpectrumSettings spectrum;
    NonlinearSettings nonlinear;
    CoherenceSettings coherence;
};

std::string_view to_string(ArtifactMethod m);
std::string_view to_string(Interpolation i);
std::string_view to_string(Detrend d);
std::string_view to_string(Window w);

}  // namespace steady::hrv
