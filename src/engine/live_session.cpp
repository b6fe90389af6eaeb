#include "engine/live_session.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "session/store.h"

namespace steady {

LiveSession::LiveSession(std::unique_ptr<Sensor> sensor, LiveSessionConfig config,
                         SessionStore* store)
    : sensor_(std::move(sensor)),
      config_(std::move(config)),
      store_(store),
      engine_(config_.engine) {}

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
    drain_outputs();
    report_events_until(1e300);
    commit();
    return std::min(end_s, std::max(engine_.current().t_s, next_second - 1));
}

}  // namespace steady
