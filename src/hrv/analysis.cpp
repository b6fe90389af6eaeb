#include "hrv/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "hrv/artifacts.h"
#include "hrv/coherence.h"
#include "hrv/nonlinear.h"
#include "hrv/resample.h"
#include "hrv/spectrum.h"
#include "hrv/tasks.h"
#include "hrv/time_domain.h"

namespace steady::hrv {

namespace {

std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

// Beat times for the screened series: the file's own when the series kept its shape (so
// recorded gaps stay), else the RR sums anchored at the first beat's time.
std::vector<double> settle_times(std::span<const double> rr_ms, std::span<const double> t_s,
                                 std::span<const double> series, bool kept_shape) {
    if (!t_s.empty() && t_s.size() == rr_ms.size() && kept_shape && series.size() == rr_ms.size() &&
        std::is_sorted(t_s.begin(), t_s.end())) {
        return {t_s.begin(), t_s.end()};
    }
    std::vector<double> out = beat_times_s(series);
    if (!t_s.empty() && !rr_ms.empty()) {
        const double shift = t_s.front() - rr_ms.front() / 1000.0;
        for (double& t : out) t += shift;
    }
    return out;
}

struct Screened {
    std::vector<double> rr_ms;
    std::vector<double> t_s;
    ArtifactReport report;
};

Screened screen(std::span<const double> rr_ms, std::span<const double> t_s,
                const ArtifactSettings& s) {
    ArtifactResult a = screen_artifacts(rr_ms, s);
    Screened out{std::move(a.rr_ms), {}, std::move(a.report)};
    out.t_s = settle_times(rr_ms, t_s, out.rr_ms, out.report.corrected == 0);
    return out;
}

}  // namespace

void Analyzer::compute_metrics(std::span<const double> rr, std::span<const double> t,
                               AnalysisResult& out,
                               std::optional<std::span<const TimedCoherence>> coherence,
                               const std::function<void()>& alongside) {
    out.beats = rr.size();
    out.duration_s = 0;
    for (double v : rr) out.duration_s += v / 1000.0;
    auto& warn = out.warnings;
    const std::string got_beats = " (got " + std::to_string(rr.size()) + ")";
    const std::string got_s = " (got " + fmt(out.duration_s) + " s)";
    const NonlinearSettings& ns = settings_.nonlinear;
    const bool frequency = out.duration_s >= kMinSecondsFrequency && rr.size() >= 4;

    // Independent steps, costliest first for a 24-hour record (ms on the benchmark machine:
    // sample entropy's length-3 count 55, artifact detection 29, spectrum 18, length-2 count 20,
    // coherence 20, Poincare + DFA 8, time domain 1). A long record spreads them over the
    // machine's threads; a short one (a sliding window) runs them in order on this one.
    NonlinearJob nonlinear(rr, ns);
    std::vector<std::function<void()>> tasks;
    const auto nonlinear_part = [&](std::size_t k) {
        if (k < nonlinear.parts()) tasks.emplace_back([&nonlinear, k] { nonlinear.run(k); });
    };
    nonlinear_part(0);
    if (alongside) tasks.push_back(alongside);
    if (frequency) {
        tasks.emplace_back([&] {
            out.frequency = frequency_domain(t, rr, settings_.spectrum, plans_);
            out.respiration_rate_bpm = respiration_rate_bpm(out.frequency->spectrum);
        });
    }
    nonlinear_part(1);
    if (coherence) {
        if (!t.empty()) {
            out.coherence = summarise_coherence(*coherence, settings_.coherence.window_s,
                                                t.front() - rr.front() / 1000.0, t.back());
        }
    } else {
        tasks.emplace_back([&] {
            out.coherence = coherence_over_record(t, rr, settings_.coherence, coherence_plans_);
        });
    }
    nonlinear_part(2);
    if (rr.size() >= kMinBeatsTimeDomain)
        tasks.emplace_back([&] { out.time = time_domain(rr, settings_.time); });
    run_tasks(tasks, rr.size() >= kParallelFromBeats ? analysis_threads() : 1);

    if (rr.size() < kMinBeatsTimeDomain) {
        warn.push_back("time domain needs at least " + std::to_string(kMinBeatsTimeDomain) +
                       " beats" + got_beats);
    }
    if (frequency) {
        if (out.duration_s < kAdviseSecondsLf) {
            warn.push_back("LF power is unreliable under " + fmt(kAdviseSecondsLf) + " s" + got_s);
        } else if (out.duration_s < kAdviseSecondsVlf) {
            warn.push_back("VLF power is unreliable under " + fmt(kAdviseSecondsVlf) + " s" +
                           got_s);
        }
        if (!out.frequency->lf_hf) warn.push_back("lf_hf: HF power is zero");
    } else {
        warn.push_back("frequency domain and respiration need at least " +
                       fmt(kMinSecondsFrequency) + " s of beats" + got_s);
    }

    out.nonlinear = nonlinear.result();
    if (!out.nonlinear.sd1_ms) {
        warn.push_back("Poincare SD1/SD2 need at least " + std::to_string(kMinBeatsPoincare) +
                       " beats" + got_beats);
    }
    auto dfa_needs = [&](int max_box) {
        return std::to_string(kDfaBoxesAtLargestScale * static_cast<std::size_t>(max_box));
    };
    if (!out.nonlinear.dfa_alpha1) {
        warn.push_back("dfa_alpha1 needs at least " + dfa_needs(ns.dfa_short_max_beats) +
                       " beats of varying RR" + got_beats);
    }
    if (!out.nonlinear.dfa_alpha2) {
        warn.push_back("dfa_alpha2 needs at least " + dfa_needs(ns.dfa_long_max_beats) +
                       " beats of varying RR" + got_beats);
    }
    if (!out.nonlinear.sampen) {
        warn.push_back(rr.size() < kMinBeatsSampen
                           ? "sampen needs at least " + std::to_string(kMinBeatsSampen) + " beats" +
                                 got_beats
                           : std::string("sampen: no matching templates (series too irregular or "
                                         "constant)"));
    }

    if (!out.coherence) {
        warn.push_back("coherence needs at least " + fmt(settings_.coherence.window_s) +
                       " s of beats" + got_s);
    }
}

AnalysisResult Analyzer::analyze(std::span<const double> rr_ms, std::span<const double> t_s) {
    AnalysisResult out;
    out.input_beats = rr_ms.size();
    const ArtifactSettings& as = settings_.artifacts;
    const RangeScreened range = screen_range(rr_ms, as);
    if (as.method == ArtifactMethod::none) {
        // Nothing is corrected, so the metrics need only the range screen and the detector (which
        // reports what it would flag) runs alongside them.
        const std::vector<double> t = settle_times(rr_ms, t_s, range.rr_ms, range.removed.empty());
        ArtifactResult detected;
        compute_metrics(range.rr_ms, t, out, std::nullopt,
                        [&] { detected = finish_screen(range, as); });
        out.artifacts = std::move(detected.report);
    } else {
        ArtifactResult a =
            finish_screen(range, as, rr_ms.size() >= kParallelFromBeats ? analysis_threads() : 1);
        const std::vector<double> t = settle_times(rr_ms, t_s, a.rr_ms, a.report.corrected == 0);
        out.artifacts = std::move(a.report);
        compute_metrics(a.rr_ms, t, out);
    }
    const std::size_t removed = static_cast<std::size_t>(
        std::count_if(out.artifacts.flagged.begin(), out.artifacts.flagged.end(),
                      [](const FlaggedBeat& f) { return f.type == ArtifactType::out_of_range; }));
    if (removed > 0) {
        out.warnings.push_back(std::to_string(removed) + " RR values outside " +
                               fmt(settings_.artifacts.min_rr_ms) + "-" +
                               fmt(settings_.artifacts.max_rr_ms) + " ms were removed");
    }
    if (settings_.artifacts.method == ArtifactMethod::none &&
        out.artifacts.flagged.size() > removed) {
        out.warnings.push_back(std::to_string(out.artifacts.flagged.size() - removed) +
                               " beats look like artifacts and were analysed as recorded; "
                               "--artifacts auto corrects them");
    }
    return out;
}

std::vector<WindowResult> Analyzer::analyze_windows(
    std::span<const double> rr_ms, std::span<const double> t_s, double window_s, double step_s,
    const std::function<void(std::size_t, std::size_t)>& progress) {
    std::vector<WindowResult> windows;
    if (!(window_s > 0) || !(step_s > 0) || rr_ms.empty()) return windows;
    Screened s = screen(rr_ms, t_s, settings_.artifacts);
    if (s.t_s.empty()) return windows;
    // A beat belongs to the window its time falls in; the first window starts where the first
    // interval starts.
    const double origin = s.t_s.front() - s.rr_ms.front() / 1000.0;
    const double last = s.t_s.back();
    const auto total = static_cast<std::size_t>(
        std::max(0.0, std::floor((last - origin - window_s) / step_s + 1e-9)) + 1);
    windows.reserve(total);
    // Flags carry input indices; place them in windows by the input beat's time.
    const std::vector<double> input_t = t_s.size() == rr_ms.size()
                                            ? std::vector<double>(t_s.begin(), t_s.end())
                                            : beat_times_s(rr_ms);
    // 64-s coherence windows once over the record; each sliding window averages those inside
    // it (identical to recomputing them when step_s is a multiple of the 5-s coherence step).
    const std::vector<TimedCoherence> coherence =
        coherence_windows(s.t_s, s.rr_ms, settings_.coherence, plans_);
    std::size_t lo = 0, hi = 0;
    for (std::size_t w = 0; w < total; ++w) {
        WindowResult wr;
        wr.start_s = origin + static_cast<double>(w) * step_s;
        wr.end_s = wr.start_s + window_s;
        while (lo < s.t_s.size() && s.t_s[lo] <= wr.start_s) ++lo;
        hi = std::max(hi, lo);
        while (hi < s.t_s.size() && s.t_s[hi] <= wr.end_s) ++hi;
        wr.result.input_beats = hi - lo;
        wr.result.artifacts.method = settings_.artifacts.method;
        for (const FlaggedBeat& f : s.report.flagged) {
            const double t = input_t[f.index];
            if (t > wr.start_s && t <= wr.end_s) wr.result.artifacts.flagged.push_back(f);
        }
        compute_metrics(std::span(s.rr_ms).subspan(lo, hi - lo),
                        std::span(s.t_s).subspan(lo, hi - lo), wr.result,
                        std::span<const TimedCoherence>(coherence));
        windows.push_back(std::move(wr));
        if (progress) progress(w + 1, total);
    }
    return windows;
}

}  // namespace steady::hrv
