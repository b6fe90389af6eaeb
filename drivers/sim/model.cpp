#include "drivers/sim/model.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace steady::sim {

double BreathPattern::volume(double t_s) const {
    const double c = cycle_s();
    double t = std::fmod(t_s, c);
    if (t < 0) t += c;
    const auto ease = [](double x) { return 0.5 - 0.5 * std::cos(std::numbers::pi * x); };
    if (t < inhale_s) return ease(t / inhale_s);
    t -= inhale_s;
    if (t < hold_s) return 1.0;
    t -= hold_s;
    if (t < exhale_s) return 1.0 - ease(t / exhale_s);
    return 0.0;
}

Model::Model(const Scenario& s) : s_(s), rng_(s.params.seed) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    phase_ = u(rng_);
    mayer_phase_ = u(rng_);
    drift_phase_ = u(rng_);
}

double Model::resonance_gain(double f_bpm, double f0_bpm) {
    const double q = f0_bpm / 2, x = f_bpm / f0_bpm;
    const double d = q * (x - 1 / x);
    return 1 / std::sqrt(1 + d * d);
}

double Model::resonance_phase(double f_bpm, double f0_bpm) {
    const double q = f0_bpm / 2, x = f_bpm / f0_bpm;
    return -std::atan(q * (x - 1 / x));
}

double Model::pacer_volume(double t_s) const {
    // The trainer's pacer when it runs; the scenario's own pacing otherwise (never in a
    // protocol, whose steps say when to pace).
    if (cues_.lung_volume_at && (s_.follows_pacer || cues_.scripted)) {
        const double v = cues_.lung_volume_at(t_s);
        if (v >= 0 || cues_.scripted) return v;
    }
    for (const PacingSpan& p : s_.pacing) {
        if (t_s >= p.from_s && t_s < p.to_s) return p.pattern.volume(t_s - p.from_s);
    }
    return -1;
}

double Model::pacer_rate_bpm(double t_s) const {
    if (cues_.lung_volume_at && (s_.follows_pacer || cues_.scripted)) {
        const double c = cues_.breath_cycle_s_at ? cues_.breath_cycle_s_at(t_s) : 0;
        if (c > 0 || cues_.scripted) return c > 0 ? 60 / c : 0;
    }
    for (const PacingSpan& span : s_.pacing)
        if (t_s >= span.from_s && t_s < span.to_s) return span.pattern.rate_bpm();
    return 0;
}

TrueBeat Model::next() {
    const Params& p = s_.params;
    const double t = t_s_;
    double hr_add = 0, suppression = 0, breathing_rise = 0, arousal = 0;
    for (const Trigger& tr : s_.triggers) {
        if (t < tr.at_s) continue;
        const double dt = t - tr.at_s;
        const double tau = tr.tau_s > 0 ? tr.tau_s : p.recovery_tau_s;
        const double shape = dt < tr.onset_s
                                 ? 0.5 - 0.5 * std::cos(std::numbers::pi * dt / tr.onset_s)
                                 : std::exp(-(dt - tr.onset_s) / tau);
        hr_add += tr.rise_bpm * shape;
        suppression = std::max(suppression, tr.rsa_suppression * shape);
        breathing_rise = std::max(breathing_rise, tr.breathing_rise * shape);
        arousal = std::max(arousal, shape);
    }
    if (cues_.stressed_at && p.stress_response_bpm > 0) {
        // First order toward 1 in a stressor step (8 s), back to 0 with the recovery constant.
        const bool on = cues_.stressed_at(t);
        const double dt = prev_rr_ms_ / 1000.0;
        stress_ +=
            ((on ? 1.0 : 0.0) - stress_) * (1 - std::exp(-dt / (on ? 8.0 : p.recovery_tau_s)));
        hr_add += p.stress_response_bpm * stress_;
        suppression = std::max(suppression, 0.5 * stress_);
        breathing_rise = std::max(breathing_rise, 0.3 * stress_);
        arousal = std::max(arousal, stress_);
    }
    const double drift = p.drift_bpm * std::sin(2 * std::numbers::pi * (t / 617.0 + drift_phase_));
    // Very-low-frequency fluctuation (thermoregulation, posture): AR(1), time constant ~25 s.
    const double rho = std::exp(-(prev_rr_ms_ / 1000.0) / 25.0);
    vlf_bpm_ = rho * vlf_bpm_ + p.vlf_bpm * std::sqrt(1 - rho * rho) * normal_(rng_);
    const double hr = std::max(30.0, p.hr_bpm + drift + vlf_bpm_ + hr_add);

    // Spontaneous breathing is irregular: rate (SD ~5 %) and depth (~30 %) wander, AR(1) per beat.
    rate_wander_ = 0.96 * rate_wander_ + 0.014 * normal_(rng_);
    depth_wander_ = 0.9 * depth_wander_ + 0.13 * normal_(rng_);
    double f_hz = p.breathing_bpm / 60.0 * (1 + breathing_rise) * (1 + rate_wander_);
    // The vagal input that sets this interval is the one in the middle of it (about half the
    // last interval ahead), so a rate read at the middle of each interval is in phase.
    const double t_mid = t + prev_rr_ms_ / 2000.0;
    double v_at_heart = 0;  // lung volume where the heart's response is now
    const double paced = pacer_volume(t_mid - p.lag_s);
    if (paced >= 0) {
        const double rate = pacer_rate_bpm(t_mid - p.lag_s);
        if (rate > 0) f_hz = rate / 60.0;
    }
    // The heart leads the breath by the resonance's phase: read the breath that far ahead.
    const double lead_s =
        resonance_phase(f_hz * 60, p.resonance_bpm) / (2 * std::numbers::pi * f_hz);
    const double spontaneous =
        0.5 -
        0.5 * std::cos(2 * std::numbers::pi * (phase_ + f_hz * (lead_s + prev_rr_ms_ / 2000.0)));
    v_at_heart = spontaneous;
    if (paced >= 0) {
        const double ahead = pacer_volume(t_mid - p.lag_s + lead_s);
        v_at_heart = p.compliance * (ahead >= 0 ? ahead : paced) + (1 - p.compliance) * spontaneous;
    }
    const double v = v_at_heart;
    const double gain = resonance_gain(f_hz * 60, p.resonance_bpm) /
                        resonance_gain(p.breathing_bpm, p.resonance_bpm);
    const double depth = paced >= 0 ? 1.0 : std::max(0.2, 1 + depth_wander_);
    const double rsa = -p.rsa_ms * gain * depth * (1 - suppression) * (2 * v - 1);
    const double mayer = p.mayer_ms * std::sin(2 * std::numbers::pi * mayer_phase_);
    const double rr =
        std::clamp(60000.0 / hr + rsa + mayer + p.noise_ms * normal_(rng_), 300.0, 2000.0);

    const double rr_s = rr / 1000.0;
    phase_ = std::fmod(phase_ + f_hz * rr_s, 1.0);
    mayer_phase_ =
        std::fmod(mayer_phase_ + p.resonance_bpm / 60.0 * (1 + 0.3 * rate_wander_) * rr_s, 1.0);
    t_s_ += rr_s;
    prev_rr_ms_ = rr;
    return {t_s_, rr, f_hz * 60.0, arousal};
}

Artifacts::Artifacts(const Params& p) : p_(p), rng_(p.seed ^ 0x9e3779b97f4a7c15ULL) {}

void Artifacts::deliver(const TrueBeat& b, std::vector<BeatEvent>& out) {
    if (b.t_s < dropout_until_s_) {  // strap off the skin or out of range: nothing arrives
        carry_ms_ = 0;
        gap_next_ = true;
        return;
    }
    const double per_beat_min = b.rr_ms / 60000.0;
    if (uniform_(rng_) < p_.dropouts_per_hour * per_beat_min / 60.0) {
        dropout_until_s_ = b.t_s + p_.dropout_s;
        carry_ms_ = 0;
        gap_next_ = true;
        return;
    }
    const double rr = b.rr_ms + carry_ms_;
    carry_ms_ = 0;
    const std::uint32_t flags = gap_next_ ? kBeatGapBefore : 0u;
    const double u = uniform_(rng_);
    if (u < p_.missed_per_min * per_beat_min) {  // this beat is not detected: merges with next
        carry_ms_ = rr;
        return;
    }
    gap_next_ = false;
    if (u < (p_.missed_per_min + p_.ectopic_per_min) * per_beat_min) {
        // Premature beat at 65 % of the interval; the rest joins the next (compensatory pause).
        out.push_back({0.65 * rr, b.t_s - 0.35 * rr / 1000.0, flags});
        carry_ms_ = 0.35 * rr;
        return;
    }
    out.push_back({rr, b.t_s, flags});
}

}  // namespace steady::sim
