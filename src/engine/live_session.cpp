#include "engine/live_session.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "session/store.h"

namespace steady {

LiveSession::LiveSession(std::unique_ptr<Sensor> sensor, LiveSessionConfig config,
                         SessionStore* store)
    : sensor_(std::move(sensor)),
      config_(std::move(config)),
      store_(store),
      engine_(config_.engine),
      shared_pacer_(std::make_shared<pacer::SharedSchedule>()) {
    if (config_.pacer) {
        pacer_.emplace(config_.pacer->pattern, config_.pacer->adapt, 0.0);
        shared_pacer_->publish(pacer_->schedule());
        std::weak_ptr<const pacer::SharedSchedule> weak = shared_pacer_;
        sensor_->follow_pacer([weak](double t_s) {
            const auto s = weak.lock();
            return s ? s->volume(t_s) : -1.0;
        });
    }
}

namespace {
nlohmann::ordered_json change_json(const pacer::PacerChange& ch) {
    nlohmann::ordered_json j{{"reason", ch.reason},
                             {"pattern", ch.pattern},
                             {"from_count_s", ch.from_count_s},
                             {"count_s", ch.to_count_s},
                             {"cycle_s", ch.cycle_s},
                             {"effective_s", ch.effective_s},
                             {"arousal", ch.arousal}};
    j["breathing_bpm"] =
        ch.breathing_bpm ? nlohmann::ordered_json(*ch.breathing_bpm) : nlohmann::ordered_json();
    return j;
}
}  // namespace

void LiveSession::add_event(EngineEvent e) {
    if (store_) store_->add_events(std::span<const EngineEvent>(&e, 1));
    // Keep the waiting events in time order (requests may be stamped before engine events).
    auto at = std::upper_bound(unreported_.begin(), unreported_.end(), e.t_s,
                               [](double t, const EngineEvent& x) { return t < x.t_s; });
    unreported_.insert(at, std::move(e));
}

void LiveSession::update_pacer(double t_s) {
    if (!pacer_) return;
    const Snapshot& s = engine_.current();
    pacer::PacerInputs in;
    in.baseline_ready = s.baseline_ready;
    in.arousal_level = s.arousal.level;
    if (s.coherence_peak_hz && *s.coherence_peak_hz > 0)
        in.breathing_bpm = 60.0 * *s.coherence_peak_hz;
    in.lf_peak_hz = s.lf_peak_hz;
    if (auto ch = pacer_->update(t_s, in)) {
        shared_pacer_->publish(pacer_->schedule());
        add_event({t_s, "pacer", change_json(*ch).dump()});
    }
}

std::optional<PacerReport> LiveSession::pacer_at(double t_s) const {
    if (!pacer_) return std::nullopt;
    return PacerReport{pacer_->schedule().segment_at(t_s).pattern.name,
                       pacer_->schedule().at(t_s)};
}

void LiveSession::post(std::function<void(double now_s)> request) {
    const double now = clock_ ? clock_->now_s() : 0.0;
    const std::lock_guard lock(requests_mutex_);
    requests_.emplace_back(now, std::move(request));
}

void LiveSession::run_requests() {
    std::vector<std::pair<double, std::function<void(double)>>> todo;
    {
        const std::lock_guard lock(requests_mutex_);
        todo.swap(requests_);
    }
    for (auto& [t, f] : todo) f(t);
}

void LiveSession::mark_trigger() {
    post([this](double t) {
        nlohmann::ordered_json j{{"source", "user"}};
        const Snapshot& s = engine_.current();
        j["hr_bpm"] = s.hr_bpm ? nlohmann::ordered_json(*s.hr_bpm) : nlohmann::ordered_json();
        j["arousal"] = s.baseline_ready ? nlohmann::ordered_json(s.arousal.level)
                                        : nlohmann::ordered_json();
        add_event({t, "mark", j.dump()});
    });
}

void LiveSession::add_journal(double mark_t_s, std::string json_fields) {
    post([this, mark_t_s, fields = std::move(json_fields)](double t) {
        nlohmann::ordered_json j{{"mark_t_s", mark_t_s}};
        const auto extra = nlohmann::ordered_json::parse(fields, nullptr, false);
        if (extra.is_object())
            for (const auto& [k, v] : extra.items()) j[k] = v;
        add_event({t, "journal", j.dump()});
    });
}

void LiveSession::set_pacer_paused(bool paused) {
    post([this, paused](double t) {
        if (!pacer_) return;
        if (paused == pacer_->schedule().paused_at(t)) return;
        if (paused)
            pacer_->pause(t);
        else
            pacer_->resume(t);
        shared_pacer_->publish(pacer_->schedule());
        add_event({t, "pacer",
                   nlohmann::ordered_json{{"reason", paused ? "paused" : "resumed"}}.dump()});
    });
}

void LiveSession::set_pattern(const pacer::Pattern& pattern) {
    post([this, pattern](double t) {
        if (!pacer_) return;
        const auto ch = pacer_->set_pattern(t, pattern, engine_.current().arousal.level);
        shared_pacer_->publish(pacer_->schedule());
        add_event({t, "pacer", change_json(ch).dump()});
    });
}

void LiveSession::set_adaptation(bool on) {
    post([this, on](double t) {
        if (!pacer_) return;
        pacer_->set_enabled(on);
        add_event({t, "pacer",
                   nlohmann::ordered_json{{"reason", on ? "adaptation on" : "adaptation off"}}
                       .dump()});
    });
}

void LiveSession::report_events_until(double t_s) {
    std::size_t n = 0;
    while (n < unreported_.size() && unreported_[n].t_s <= t_s) {
        if (on_event) on_event(unreported_[n]);
        ++n;
    }
    unreported_.erase(unreported_.begin(), unreported_.begin() + static_cast<std::ptrdiff_t>(n));
}

void LiveSession::drain_outputs() {
    const std::vector<PlacedBeat> beats = engine_.take_beats();
    const std::vector<EngineEvent> events = engine_.take_events();
    if (on_beat)
        for (const PlacedBeat& b : beats) on_beat(b);
    unreported_.insert(unreported_.end(), events.begin(), events.end());
    if (store_) {
        store_->add_beats(beats);
        store_->add_events(events);
    }
}

void LiveSession::start() {
    if (clock_) return;
    clock_.emplace(config_.speed);  // session time 0 is now
    sensor_->start(out_, *clock_);
}

double LiveSession::run() {
    start();
    if (pacer_) {  // here, not in start(): the caller opens the stored session in between
        const pacer::Pattern& p = pacer_->pattern();
        const double count = pacer_->schedule().segment_at(0).count_s;
        add_event({0, "pacer",
                   nlohmann::ordered_json{{"reason", "start"},
                                          {"pattern", p.name},
                                          {"count_s", count},
                                          {"cycle_s", p.cycle_s(count)},
                                          {"adaptation", pacer_->config().enabled}}
                       .dump()});
    }
    SensorOutput& out = out_;
    const SessionClock& clock = *clock_;
    const double end_s = config_.duration_s > 0 ? config_.duration_s : 1e300;
    double next_second = 1;
    std::uint64_t dropped_reported = 0;
    std::string last_store_error;
    auto last_commit = std::chrono::steady_clock::now();

    const auto report_until = [&](double t_s) {
        while (next_second <= t_s && next_second <= end_s) {
            drain_outputs();
            update_pacer(next_second);
            report_events_until(next_second);  // events come before the line of their second
            if (on_second) on_second(next_second, engine_.current());
            next_second += 1;
        }
    };
    const auto commit = [&] {
        if (!store_) return;
        const auto err = store_->commit();
        if (err && *err != last_store_error && on_warning) on_warning(*err);
        last_store_error = err.value_or("");
    };

    // How long past a second to wait for stragglers before reporting it without them: 2 s of
    // session time, or half a real second at high speed (a thread may lag that much).
    const double slack_s = std::max(kSlackS, 0.5 * config_.speed);
    const auto idle_sleep =
        std::chrono::duration<double>(std::clamp(0.02 / config_.speed, 0.001, 0.02));
    bool ended = false;
    while (!stop_ && !ended) {
        bool idle = true;
        run_requests();
        while (auto s = out.status.pop()) {
            engine_.on_status(*s);
            idle = false;
        }
        while (auto b = out.beats.pop()) {
            idle = false;
            if (b->arrival_s > end_s) {
                ended = true;
                break;
            }
            report_until(b->arrival_s - 1e-9);  // seconds strictly before this beat
            engine_.on_beat(*b);
        }
        if (out.beats.dropped() != dropped_reported) {
            dropped_reported = out.beats.dropped();
            engine_.set_dropped(dropped_reported);
            if (on_warning)
                on_warning(std::to_string(dropped_reported) +
                           " beats dropped: the engine fell behind the sensor");
        }
        const double now = clock.now_s();
        report_until(now - slack_s);
        if (now >= end_s + slack_s) ended = true;
        if (sensor_->finished() && idle) {
            // A finite source ran dry: report up to its last beat and stop.
            report_until(engine_.current().t_s);
            ended = true;
        }
        drain_outputs();
        if (std::chrono::steady_clock::now() - last_commit >
            std::chrono::duration<double>(kCommitEveryRealS)) {
            commit();
            last_commit = std::chrono::steady_clock::now();
        }
        // Nothing to do: sleep. 20 ms at 1x (a strap sends once a second; the window redraws
        // from snapshots anyway), down to 1 ms at high speed so the rings never fill.
        if (idle && !ended) std::this_thread::sleep_for(idle_sleep);
    }
    sensor_->stop();
    // Whatever is still in the rings arrived before the stop: keep it.
    while (auto s = out.status.pop()) engine_.on_status(*s);
    while (auto b = out.beats.pop()) {
        if (b->arrival_s > end_s) break;
        report_until(b->arrival_s - 1e-9);
        engine_.on_beat(*b);
    }
    if (config_.duration_s > 0 && !stop_) report_until(end_s);
    run_requests();
    drain_outputs();
    report_events_until(1e300);
    commit();
    return std::min(end_s, std::max(engine_.current().t_s, next_second - 1));
}

}  // namespace steady
