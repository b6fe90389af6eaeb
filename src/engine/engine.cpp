#include "engine/engine.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "hrv/coherence.h"

namespace steady {

Engine::Engine(EngineConfig config) : config_(std::move(config)), rolling_(config_.rolling) {
    if (config_.baseline) {
        arousal_.set_baseline(*config_.baseline);
        state_.baseline = config_.baseline;
        state_.baseline_ready = true;
    }
    collecting_ = config_.auto_baseline && !config_.baseline;
    published_ = std::make_shared<const Snapshot>(state_);
}

void Engine::on_beat(const BeatEvent& e) {
    const BeatTimeline::Placed placed = timeline_.place(e);
    std::uint32_t flags = e.flags;
    state_.t_s = placed.t_s;
    ++state_.beats;
    if (placed.gap_before) {
        flags |= kBeatGapBefore;
        // Time without beats: from the last beat to the start of this interval.
        const double missing = last_beat_s_ >= 0 ? placed.t_s - e.rr_ms / 1000 - last_beat_s_ : 0;
        emit(placed.t_s, GapEvent{std::max(0.0, missing)});
        ++state_.gaps;
        rolling_.mark_gap();
        screen_.reset();
        base_prev_rr_.reset();
    }
    const bool ok = !(e.flags & kBeatContactLost) && screen_.accept(e.rr_ms);
    if (!ok) {
        flags |= kBeatSuspectedArtifact;
        ++state_.artifacts;
        rolling_.mark_gap();  // successive differences never span a rejected interval
        base_prev_rr_.reset();
    }
    beats_out_.push_back({placed.t_s, e.rr_ms, flags});
    last_beat_s_ = placed.t_s;
    state_.rr_ms = e.rr_ms;
    if (config_.recent_s > 0) {
        recent_.push_back({placed.t_s, e.rr_ms, !ok});
        std::size_t old = 0;
        while (old < recent_.size() && recent_[old].t_s < placed.t_s - config_.recent_s) ++old;
        recent_.erase(recent_.begin(), recent_.begin() + static_cast<std::ptrdiff_t>(old));
        state_.recent = std::make_shared<const std::vector<RecentBeat>>(recent_);
    }
    if (!ok) {
        publish();
        return;
    }

    rolling_.append(placed.t_s, e.rr_ms);
    const hrv::RollingMetrics& m = rolling_.metrics();
    state_.hr_bpm = m.hr_bpm;
    state_.rmssd_30s_ms = m.rmssd_short_ms;
    state_.rmssd_60s_ms = m.rmssd_long_ms;

    if (placed.t_s >= next_coherence_s_) {
        next_coherence_s_ = placed.t_s + config_.coherence_every_s;
        if (auto c = rolling_.refresh_coherence(config_.recent_s > 0 ? &power_ : nullptr)) {
            state_.coherence_ratio = c->ratio;
            state_.coherence_score = c->score;
            state_.coherence_peak_hz = c->peak_hz;
            if (config_.recent_s > 0) {
                auto sp = std::make_shared<ShortSpectrum>();
                sp->df_hz = 1.0 / config_.rolling.analysis.coherence.window_s;
                sp->power = power_;
                sp->end_s = placed.t_s;
                state_.spectrum = std::move(sp);
            }
        }
    }
    if (placed.t_s >= next_spectrum_s_) {
        next_spectrum_s_ = placed.t_s + config_.spectrum_every_s;
        if (auto f = rolling_.refresh_spectrum()) {
            state_.lf_hf = f->lf_hf;
            state_.lf_ms2 = f->lf_ms2;
            state_.hf_ms2 = f->hf_ms2;
            state_.lf_peak_hz = f->lf_peak_hz;
            state_.resp_rate_bpm = hrv::respiration_rate_bpm(f->spectrum);
        }
    }

    // Resting baseline over the first baseline_s of accepted beats.
    if (collecting_) {
        if (base_start_s_ < 0) base_start_s_ = placed.t_s;
        base_sum_rr_ += e.rr_ms;
        ++base_beats_;
        if (base_prev_rr_) {
            base_sum_sq_diff_ += (e.rr_ms - *base_prev_rr_) * (e.rr_ms - *base_prev_rr_);
            ++base_diffs_;
        }
        base_prev_rr_ = e.rr_ms;
        if (config_.auto_baseline && placed.t_s - base_start_s_ >= config_.baseline_s)
            finish_baseline(placed.t_s);
    }

    arousal_.update(m.hr_bpm, m.rmssd_short_ms, state_.resp_rate_bpm);
    state_.arousal = arousal_.arousal();
    publish();
}

void Engine::begin_baseline() {
    collecting_ = true;
    base_start_s_ = -1;
    base_sum_rr_ = base_sum_sq_diff_ = 0;
    base_beats_ = base_diffs_ = 0;
    base_prev_rr_.reset();
}

void Engine::end_baseline(double t_s) {
    if (!collecting_) return;
    finish_baseline(t_s);
    collecting_ = false;  // too few beats: no baseline from this step
}

void Engine::finish_baseline(double t_s) {
    if (base_diffs_ < 10) return;  // too many rejections so far: keep collecting
    collecting_ = false;
    Baseline b;
    b.hr_bpm = 60000.0 * static_cast<double>(base_beats_) / base_sum_rr_;
    b.rmssd_ms = std::sqrt(base_sum_sq_diff_ / static_cast<double>(base_diffs_));
    b.resp_bpm = state_.resp_rate_bpm;
    arousal_.set_baseline(b);
    state_.baseline = b;
    state_.baseline_ready = true;
    emit(t_s, BaselineEvent{b.hr_bpm, b.rmssd_ms, b.resp_bpm});
}

void Engine::on_status(const SensorStatus& s) {
    const bool changed = s.state != state_.sensor.state || s.detail != state_.sensor.detail;
    // A sensor without RR: its own heart rate is all there is (HRV stays empty and says why).
    if (s.hr_bpm > 0 && state_.beats == 0) state_.hr_bpm = s.hr_bpm;
    state_.sensor = s;
    if (changed) emit(s.at_s, SensorEvent{s.state, s.detail ? s.detail : ""});
    publish();
}

void Engine::emit(double t_s, EventData data) {
    events_out_.push_back({t_s, std::move(data)});
}

void Engine::publish() {
    auto next = std::make_shared<const Snapshot>(state_);
    const std::lock_guard lock(publish_mutex_);
    published_ = std::move(next);
}

std::shared_ptr<const Snapshot> Engine::snapshot() const {
    const std::lock_guard lock(publish_mutex_);
    return published_;
}

std::vector<PlacedBeat> Engine::take_beats() {
    return std::exchange(beats_out_, {});
}
std::vector<Event> Engine::take_events() {
    return std::exchange(events_out_, {});
}

}  // namespace steady
