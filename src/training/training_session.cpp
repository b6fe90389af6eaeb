#include "training/training_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "app/quoted.h"
#include "practice/access.h"
#include "protocol/resonance.h"

namespace steady {
namespace {

constexpr double kForever = std::numeric_limits<double>::infinity();

PacerEvent change_event(const pacer::PacerChange& ch) {
    PacerEvent p;
    p.reason = ch.reason;
    p.pattern = ch.pattern;
    p.from_count_s = ch.from_count_s;
    p.count_s = ch.to_count_s;
    p.cycle_s = ch.cycle_s;
    p.effective_s = ch.effective_s;
    p.arousal = ch.arousal;
    p.breathing_bpm = ch.breathing_bpm;
    return p;
}

}  // namespace

// The protocol's stressor steps, for a simulated person to react to: [from, to) spans, the
// last open while its step runs. Written by the session thread, read by the sensor's.
struct TrainingSession::StressCue {
    mutable std::mutex mutex;
    std::vector<std::pair<double, double>> spans;
    bool at(double t_s) const {
        const std::lock_guard lock(mutex);
        for (const auto& [from, to] : spans)
            if (t_s >= from && t_s < to) return true;
        return false;
    }
};

std::optional<std::int64_t> TrainingSession::check(const SessionPlan& plan,
                                                   const SensorRegistry& registry) {
    const SensorDriver& driver = registry.driver(plan.sensor);  // SensorError: unknown
    if (driver.live && plan.speed != 1)
        throw PlanError("--speed " + plain_number(plan.speed) +
                        " applies to the simulator and replay only; " + plan.sensor +
                        " is a live sensor and runs in real time (leave --speed out)");
    if (plan.challenge < 1 || plan.challenge > 4)
        throw PlanError("challenge level " + std::to_string(plan.challenge) + " is not one of 1-4");
    if (plan.baseline == "new" || plan.baseline == "last") return std::nullopt;
    char* end = nullptr;
    const long long v = std::strtoll(plan.baseline.c_str(), &end, 10);
    if (plan.baseline.empty() || *end || v <= 0)
        throw PlanError("--baseline \"" + plan.baseline + "\": expected new, last or a session id");
    return v;
}

TrainingSession::TrainingSession(SessionPlan plan, const SensorRegistry& registry)
    : plan_(std::move(plan)), shared_pacer_(std::make_shared<pacer::SharedSchedule>()) {
    // 1. The plan alone, before anything is opened.
    const std::optional<std::int64_t> baseline_from = check(plan_, registry);
    // 2. The store and the client's baseline.
    // A practice's server: the session goes into this workstation's store, and from there to
    // the server as it is recorded (practice/live_sync.h).
    const practice::StoreTarget target = practice::store_target(plan_.db_path);
    server_ = target.server;
    db_ = std::make_unique<Database>(target.local, Database::Open::create);
    try {
        client_ = plan_.client ? db_->client(*plan_.client) : db_->default_client();
    } catch (const StoreError& e) {
        throw PlanError(e.what());
    }
    // The client's own settings, unless the command line chose.
    const ClientSettings& cs = client_.settings;
    if (cs.challenge && !plan_.challenge_given) plan_.challenge = *cs.challenge;
    if (cs.fast_count_s) plan_.adapt.fast_count_s = *cs.fast_count_s;
    if (cs.slow_count_s) plan_.adapt.slow_count_s = *cs.slow_count_s;
    if (plan_.pacer) {
        if (cs.pattern && !plan_.pattern_given)
            if (auto p = pacer::find_pattern(*cs.pattern, plan_.patterns))
                plan_.pacer->pattern = *p;
        if (cs.fast_count_s) plan_.pacer->adapt.fast_count_s = *cs.fast_count_s;
        if (cs.slow_count_s) plan_.pacer->adapt.slow_count_s = *cs.slow_count_s;
        if (plan_.pacer->pattern.name == "resonance" && cs.resonance_bpm)
            plan_.pacer->pattern = protocol::at_rate(plan_.pacer->pattern, *cs.resonance_bpm);
    }
    if (plan_.protocol) plan_.pacer.reset();  // each step sets its own
    if (plan_.baseline != "new") {
        try {
            baseline_ = db_->stored_baseline(client_, baseline_from);
        } catch (const StoreError& e) {  // no such session, or another client's
            throw PlanError(std::string("--baseline ") + plan_.baseline + ": " + e.what());
        }
        if (!baseline_)
            throw PlanError("no stored baseline for " + client_.name +
                            (baseline_from ? " in session " + plan_.baseline : std::string()) +
                            "; record one with --baseline new (the first 2 minutes at rest)");
    }
    if (baseline_) detector_.set_session_baseline(*baseline_);
    EngineConfig engine_config;
    engine_config.recent_s = plan_.recent_s;
    engine_config.baseline = baseline_;
    if (plan_.protocol)  // measured in its baseline step, if it has one
        for (const protocol::Step& st : plan_.protocol->steps)
            if (st.kind == protocol::StepKind::baseline) engine_config.auto_baseline = false;
    engine_.emplace(engine_config);
    // 3. The sensor.
    sensor_ = registry.open(plan_.sensor, {plan_.speed});
    info_ = sensor_->info();
    duration_cap_s_ = plan_.duration_s > 0 ? plan_.duration_s : kForever;
    end_s_ = duration_cap_s_;
    if (info_.length_s && !plan_.protocol) end_s_ = std::min(end_s_, *info_.length_s);
    if (plan_.pacer) {
        pacer_.emplace(plan_.pacer->pattern, plan_.pacer->adapt, 0.0);
        publish_pacer();
    }
    // A simulated person breathes with the pacer (and lives the protocol); real straps ignore it.
    SessionCues cues;
    std::weak_ptr<const pacer::SharedSchedule> weak = shared_pacer_;
    cues.lung_volume_at = [weak](double t_s) {
        const auto s = weak.lock();
        return s ? s->volume(t_s) : -1.0;
    };
    cues.breath_cycle_s_at = [weak](double t_s) {
        const auto s = weak.lock();
        return s ? s->cycle_s(t_s) : 0.0;
    };
    if (plan_.protocol) {
        stress_ = std::make_shared<StressCue>();
        std::weak_ptr<const StressCue> weak_stress = stress_;
        cues.stressed_at = [weak_stress](double t_s) {
            const auto s = weak_stress.lock();
            return s && s->at(t_s);
        };
        cues.scripted = true;
        run_.protocol = std::make_shared<const protocol::Protocol>(*plan_.protocol);
        run_.client_resonance_bpm = cs.resonance_bpm;
        run_.index = -1;
        end_s_ = std::min(duration_cap_s_, plan_.protocol->duration_s());
    }
    sensor_->follow_session(std::move(cues));
    publish(SessionView::State::ready);
}

TrainingSession::~TrainingSession() {
    if (sensor_) sensor_->stop();
}

void TrainingSession::publish_pacer() {
    shared_pacer_->publish(pacer_->schedule());
    pacer_view_ = std::make_shared<const pacer::Schedule>(pacer_->schedule());
}

void TrainingSession::publish(SessionView::State state) {
    auto v = std::make_shared<SessionView>();
    v->state = state;
    v->id = id();
    v->client = client_.name;
    v->sensor = info_;
    v->clock = clock_ ? &*clock_ : nullptr;
    v->snapshot = engine_->snapshot();
    v->pacer = pacer_view_;
    v->events = events_;
    v->hr_history = hr_view_;
    v->rmssd_history = rmssd_view_;
    v->grounding_offered = grounding_pending_;
    v->episode = live_episode_;
    v->last_recovery = last_recovery_;
    v->reached_s = reached_s_;
    v->warning = last_warning_;
    v->protocol = progress_;
    v->sync = sync_state_;
    if (state == SessionView::State::ended) v->summary = summary_;
    const std::lock_guard lock(view_mutex_);
    view_ = std::move(v);
}

std::shared_ptr<const SessionView> TrainingSession::view() const {
    const std::lock_guard lock(view_mutex_);
    return view_;
}

void TrainingSession::warn(const std::string& w) {
    last_warning_ = w;
    if (callbacks.on_warning) callbacks.on_warning(w);
}

void TrainingSession::add_event(double t_s, EventData data) {
    // Keep the waiting events in time order (requests may be stamped before engine events).
    auto at = std::upper_bound(unreported_.begin(), unreported_.end(), t_s,
                               [](double t, const Event& x) { return t < x.t_s; });
    unreported_.insert(at, Event{t_s, std::move(data)});
}

void TrainingSession::report_events_until(double t_s) {
    std::size_t n = 0;
    while (n < unreported_.size() && unreported_[n].t_s <= t_s) ++n;
    if (n == 0) return;
    auto all = std::make_shared<std::vector<Event>>(*events_);
    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = unreported_[i];
        if (callbacks.on_event) callbacks.on_event(e);
        all->push_back(e);
    }
    if (recording_) recording_->add_events(std::span<const Event>(unreported_.data(), n));
    unreported_.erase(unreported_.begin(), unreported_.begin() + static_cast<std::ptrdiff_t>(n));
    events_ = std::move(all);
}

void TrainingSession::update_pacer(double t_s) {
    if (!pacer_) return;
    const Snapshot& s = engine_->current();
    pacer::PacerInputs in;
    in.baseline_ready = s.baseline_ready;
    in.arousal_level = s.arousal.level;
    if (s.coherence_peak_hz && *s.coherence_peak_hz > 0)
        in.breathing_bpm = 60.0 * *s.coherence_peak_hz;
    in.lf_peak_hz = s.lf_peak_hz;
    if (auto ch = pacer_->update(t_s, in)) {
        publish_pacer();
        add_event(t_s, change_event(*ch));
    }
}

// Offer 5-4-3-2-1 grounding when arousal has stayed high for a minute while the running pacer
// is at its fastest count: it has nothing left to ease. One offer waits for an answer; after an
// answer (or an offer) none comes for kGroundingQuietS.
void TrainingSession::update_grounding(double t_s) {
    const Snapshot& s = engine_->current();
    const bool high = s.baseline_ready && s.arousal.band == ArousalBand::high;
    if (high && pacer_ && pacer_->at_fastest(t_s)) {
        if (high_since_s_ < 0) high_since_s_ = t_s;
    } else {
        high_since_s_ = -1;
        if (!high) grounding_pending_ = false;  // the moment passed; the offer goes
    }
    if (!grounding_pending_ && high_since_s_ >= 0 && t_s - high_since_s_ >= kGroundingAfterS &&
        t_s >= grounding_quiet_until_s_) {
        grounding_pending_ = true;
        grounding_quiet_until_s_ = t_s + kGroundingQuietS;
        add_event(t_s, GroundingOfferedEvent{s.arousal.level});
    }
}

// The open episode for the window: HR since the onset, and the curve fitted so far.
void TrainingSession::update_live_episode(double t_s) {
    const auto open = detector_.open();
    if (!open) {
        live_episode_.reset();
        return;
    }
    const bool fresh = !live_episode_ || live_episode_->onset_s != open->onset_s;
    LiveEpisode ep = fresh ? LiveEpisode{} : *live_episode_;
    ep.onset_s = open->onset_s;
    ep.baseline_hr_bpm = open->baseline_hr_bpm;
    ep.peak_hr_bpm = open->peak_hr_bpm;
    ep.peak_s = open->peak_s;
    auto hr = std::make_shared<std::vector<std::pair<double, double>>>();
    for (std::size_t k = static_cast<std::size_t>(std::max(0.0, std::ceil(open->onset_s)));
         k < series_.seconds(); ++k)
        if (std::isfinite(series_.hr30(k)))
            hr->emplace_back(static_cast<double>(k), series_.hr30(k));
    ep.hr = std::move(hr);
    if (t_s - open->peak_s >= recovery::kMinFitS && static_cast<long>(t_s) % 10 == 0) {
        std::string why;
        ep.fit = recovery::fit_signal(series_, recovery::Signal::hr, open->peak_s, t_s,
                                      open->baseline_hr_bpm, why);
    }
    live_episode_ = std::move(ep);
}

void TrainingSession::report_second(double t_s) {
    drain_outputs();
    advance_protocol(t_s);
    // Surges and the end of episodes, on heart rate once a second (recovery/episodes.h).
    series_.advance_to(t_s);
    for (; next_episode_second_ < series_.seconds(); ++next_episode_second_) {
        for (Event& e : detector_.second(next_episode_second_)) {
            if (const auto* r = e.as<RecoveredEvent>()) last_recovery_ = *r;
            if (auto* tr = std::get_if<TriggerEvent>(&e.data))
                tr->level =
                    engine_->current().baseline_ready ? engine_->current().arousal.level : 0;
            add_event(e.t_s, std::move(e.data));
        }
    }
    update_pacer(t_s);
    update_grounding(t_s);
    update_live_episode(t_s);
    report_events_until(t_s);  // events come before the line of their second
    const Snapshot& s = engine_->current();
    const auto keep = [t_s](std::vector<std::pair<double, double>>& h, double v) {
        h.emplace_back(t_s, v);
        const auto old = std::find_if(h.begin(), h.end(),
                                      [&](const auto& p) { return p.first >= t_s - kHistoryS; });
        h.erase(h.begin(), old);
    };
    if (s.hr_bpm) keep(hr_history_, *s.hr_bpm);
    if (s.rmssd_60s_ms) keep(rmssd_history_, *s.rmssd_60s_ms);
    hr_view_ = std::make_shared<const std::vector<std::pair<double, double>>>(hr_history_);
    rmssd_view_ = std::make_shared<const std::vector<std::pair<double, double>>>(rmssd_history_);
    reached_s_ = t_s;
    if (callbacks.on_second) {
        std::optional<PacerReport> p;
        if (pacer_)
            p = PacerReport{pacer_->schedule().segment_at(t_s).pattern.name,
                            pacer_->schedule().at(t_s)};
        callbacks.on_second(t_s, s, p);
    }
}

void TrainingSession::post(std::function<void(double now_s)> request) {
    const double now = clock_ ? clock_->now_s() : 0.0;
    const std::lock_guard lock(requests_mutex_);
    requests_.emplace_back(now, std::move(request));
}

void TrainingSession::run_requests() {
    std::vector<std::pair<double, std::function<void(double)>>> todo;
    {
        const std::lock_guard lock(requests_mutex_);
        todo.swap(requests_);
    }
    for (auto& [t, f] : todo) f(t);
}

void TrainingSession::mark_trigger() {
    post([this](double t) {
        const Snapshot& s = engine_->current();
        add_event(t, MarkEvent{s.hr_bpm,
                               s.baseline_ready ? std::optional(s.arousal.level) : std::nullopt});
        detector_.mark(t);
    });
}

void TrainingSession::add_journal(JournalEvent note) {
    post([this, note = std::move(note)](double t) { add_event(t, note); });
}

void TrainingSession::pause_pacer(double t_s, bool paused) {
    if (pacer_) {
        if (paused)
            pacer_->pause(t_s);
        else
            pacer_->resume(t_s);
        publish_pacer();
    }
    if (paused)
        add_event(t_s, PausedEvent{});
    else
        add_event(t_s, ResumedEvent{});
}

void TrainingSession::set_pacer_paused(bool paused) {
    post([this, paused](double t) {
        if (!pacer_ || paused == pacer_->schedule().paused_at(t)) return;
        pause_pacer(t, paused);
    });
}

void TrainingSession::set_pattern(const pacer::Pattern& pattern) {
    post([this, pattern](double t) {
        if (!pacer_) return;
        const auto ch = pacer_->set_pattern(t, pattern, engine_->current().arousal.level);
        publish_pacer();
        add_event(t, change_event(ch));
    });
}

void TrainingSession::set_adaptation(bool on) {
    post([this, on](double t) {
        if (!pacer_) return;
        pacer_->set_enabled(on);
        PacerEvent p;
        p.reason = "adaptation";
        p.pattern = pacer_->pattern().name;
        p.adaptation = on;
        add_event(t, std::move(p));
    });
}

void TrainingSession::answer_grounding(bool accepted) {
    post([this, accepted](double t) {
        if (!grounding_pending_) return;
        grounding_pending_ = false;
        high_since_s_ = -1;
        grounding_quiet_until_s_ = t + kGroundingQuietS;
        if (accepted)
            add_event(t, GroundingAcceptedEvent{});
        else
            add_event(t, GroundingDismissedEvent{});
    });
}

void TrainingSession::add_pacer_start(double t_s) {
    const pacer::Pattern& p = pacer_->pattern();
    const double count = pacer_->schedule().segment_at(t_s).count_s;
    PacerEvent e;
    e.reason = "start";
    e.pattern = p.name;
    e.count_s = count;
    e.cycle_s = p.cycle_s(count);
    e.adaptation = pacer_->config().enabled;
    add_event(t_s, std::move(e));
}

// Protocol steps ----------------------------------------------------------------------------

void TrainingSession::publish_progress() {
    progress_ = std::make_shared<const ProtocolProgress>(run_);
}

void TrainingSession::recompute_end() {
    if (!plan_.protocol) return;
    double end = kForever;
    if (run_.done()) {
        end = run_.step_start_s;
    } else if (!run_.paused) {
        end = run_.step_end_s;
        for (std::size_t i = static_cast<std::size_t>(run_.index) + 1;
             i < plan_.protocol->steps.size(); ++i)
            end += plan_.protocol->steps[i].duration_s;
    }
    end_s_ = std::min(duration_cap_s_, end);
}

void TrainingSession::start_step(int index, double t_s) {
    const auto& steps = plan_.protocol->steps;
    run_.index = index;
    run_.step_start_s = t_s;
    if (run_.done()) {  // the last step ended: so does the session
        run_.step_end_s = t_s;
        if (pacer_) {
            pacer_.reset();
            pacer_view_.reset();
            shared_pacer_->publish(pacer::Schedule{});
        }
        finish_assessment(t_s);
        recompute_end();
        publish_progress();
        return;
    }
    const protocol::Step& st = steps[static_cast<std::size_t>(index)];
    run_.step_end_s = t_s + st.duration_s;
    add_event(t_s, StepStartEvent{index, st.name, protocol::to_string(st.kind), st.duration_s});
    if (const auto pattern =
            protocol::step_pattern(st, plan_.patterns, run_.client_resonance_bpm)) {
        pacer::AdaptConfig adapt = plan_.adapt;
        adapt.enabled = st.adapt;
        pacer_.emplace(*pattern, adapt, t_s);
        publish_pacer();
        add_pacer_start(t_s);
    } else if (pacer_) {
        pacer_.reset();
        pacer_view_.reset();
        shared_pacer_->publish(pacer::Schedule{});
    }
    if (st.kind == protocol::StepKind::baseline) engine_->begin_baseline();
    if (st.kind == protocol::StepKind::stressor) {
        const std::lock_guard lock(stress_->mutex);
        stress_->spans.emplace_back(t_s, kForever);
    }
    recompute_end();
    publish_progress();
}

void TrainingSession::finish_step(double t_s, const std::string& reason) {
    if (!plan_.protocol || run_.index < 0 || run_.done()) return;
    const protocol::Step& st = plan_.protocol->steps[static_cast<std::size_t>(run_.index)];
    add_event(t_s, StepEndEvent{run_.index, st.name, protocol::to_string(st.kind), reason});
    if (st.kind == protocol::StepKind::baseline) engine_->end_baseline(t_s);
    if (st.kind == protocol::StepKind::stressor) {
        const std::lock_guard lock(stress_->mutex);
        if (!stress_->spans.empty()) stress_->spans.back().second = t_s;
    }
    if (plan_.protocol->resonance_assessment && st.kind == protocol::StepKind::paced && st.pacer &&
        st.pacer->rate_bpm) {
        const double cycle = 60.0 / *st.pacer->rate_bpm;
        const double inhale =
            cycle * st.pacer->ratio[0] / (st.pacer->ratio[0] + st.pacer->ratio[1]);
        // A repeated rate replaces its earlier run.
        std::erase_if(rate_runs_, [&](const RateRun& r) { return r.bpm == *st.pacer->rate_bpm; });
        rate_runs_.push_back({*st.pacer->rate_bpm, run_.step_start_s, t_s, cycle, inhale});
    }
}

void TrainingSession::advance_protocol(double t_s) {
    if (!plan_.protocol || run_.index < 0) return;
    while (!run_.done() && !run_.paused && t_s >= run_.step_end_s) {
        const double at = run_.step_end_s;
        finish_step(at, "done");
        start_step(run_.index + 1, at);
    }
}

void TrainingSession::finish_assessment(double t_s) {
    if (!plan_.protocol || !plan_.protocol->resonance_assessment || run_.rf) return;
    drain_outputs();
    std::vector<protocol::RfStep> steps;
    for (const RateRun& r : rate_runs_)
        steps.push_back({r.bpm, r.start_s, r.end_s, r.start_s, r.cycle_s, r.inhale_s});
    RfResultEvent rf = protocol::assess_resonance(beats_, steps);
    run_.rf = rf;
    add_event(t_s, std::move(rf));
}

void TrainingSession::next_step() {
    post([this](double t) {
        if (!plan_.protocol || run_.index < 0 || run_.done()) return;
        if (run_.paused) {  // moving on resumes
            run_.paused = false;
            add_event(t, ResumedEvent{});
        }
        finish_step(t, "next");
        start_step(run_.index + 1, t);
    });
}

void TrainingSession::repeat_step() {
    post([this](double t) {
        if (!plan_.protocol || run_.index < 0 || run_.done()) return;
        finish_step(t, "repeat");
        if (run_.paused) {  // starting again resumes
            run_.paused = false;
            add_event(t, ResumedEvent{});
        }
        start_step(run_.index, t);
    });
}

void TrainingSession::extend_step(double seconds) {
    post([this, seconds](double) {
        if (!plan_.protocol || run_.index < 0 || run_.done() || !(seconds > 0)) return;
        run_.step_end_s += seconds;
        recompute_end();
        publish_progress();
    });
}

void TrainingSession::set_protocol_paused(bool paused) {
    post([this, paused](double t) {
        if (!plan_.protocol || run_.index < 0 || run_.done() || paused == run_.paused) return;
        run_.paused = paused;
        if (paused)
            run_.paused_at_s = t;
        else
            run_.step_end_s += t - run_.paused_at_s;  // the pause does not count
        pause_pacer(t, paused);
        recompute_end();
        publish_progress();
    });
}

void TrainingSession::confirm_resonance(double bpm) {
    ClientSettings s = client_.settings;
    s.resonance_bpm = bpm;
    db_->set_client_settings(client_, s);
    client_.settings = s;
}

void TrainingSession::drain_outputs() {
    const std::vector<PlacedBeat> beats = engine_->take_beats();
    if (callbacks.on_beat)
        for (const PlacedBeat& b : beats) callbacks.on_beat(b);
    beats_.insert(beats_.end(), beats.begin(), beats.end());
    for (const PlacedBeat& b : beats) series_.add(b);
    if (recording_) recording_->add_beats(beats);
    for (Event& e : engine_->take_events()) {
        if (const auto* b = e.as<BaselineEvent>())
            detector_.set_session_baseline({b->hr_bpm, b->rmssd_ms, b->resp_bpm});
        add_event(e.t_s, std::move(e.data));
    }
}

void TrainingSession::start() {
    if (clock_) return;
    clock_.emplace(plan_.speed);  // session time 0 is now
    try {
        sensor_->start(out_, *clock_);
    } catch (...) {
        clock_.reset();
        throw;
    }
    recording_ = db_->begin_recording(client_, info_.id, plan_.challenge);
    if (!recording_->journal_problem().empty()) warn(recording_->journal_problem());
    if (server_)
        live_sync_ = std::make_unique<practice::LiveSync>(
            db_->path(), *server_,
            [this](const std::string& state, const std::string& detail) {
                post([this, state, detail](double t) {
                    sync_state_ = state;
                    add_event(t, SyncEvent{state, detail});
                });
            },
            plan_.sync_every_s);
    if (pacer_) add_pacer_start(0);
    if (plan_.protocol) {
        add_event(
            0, ProtocolEvent{plan_.protocol->name, static_cast<int>(plan_.protocol->steps.size())});
        start_step(0, 0);
    }
    publish(SessionView::State::running);
}

const SessionSummary& TrainingSession::run() {
    start();
    const double& end_s = end_s_;  // a protocol moves it (next, extend, pause)
    const auto report_until = [&](double t_s) {
        while (next_second_ <= t_s && next_second_ <= end_s) {
            report_second(next_second_);
            next_second_ += 1;
        }
    };
    std::uint64_t dropped_reported = 0;
    auto last_commit = std::chrono::steady_clock::now();
    // When rows last could not be saved and that was said (a flag and a time, not an optional:
    // GCC 12 at -O3 takes the optional's time for uninitialized).
    bool unsaved = false;
    auto unsaved_warned = std::chrono::steady_clock::time_point{};
    const auto commit = [&] {
        const auto err = recording_->commit();
        const auto now = std::chrono::steady_clock::now();
        if (!err) {
            if (unsaved) warn("saved again: every beat kept meanwhile is now in " + db_->path());
            unsaved = false;
            last_warning_.clear();
            return;
        }
        // Said at once, then once a minute while it lasts (the counts in it keep changing).
        if (!unsaved ||
            now - unsaved_warned >= std::chrono::duration<double>(kUnsavedWarnEveryRealS)) {
            warn(*err);
            unsaved = true;
            unsaved_warned = now;
        }
        const auto oldest = recording_->oldest_pending_s();
        if (oldest && engine_->current().t_s - *oldest >= plan_.unsaved_limit_s && !stop_) {
            warn(plain_number(plan_.unsaved_limit_s / 3600) +
                 " hours of beats could not be saved to the database: the session ends here" +
                 (recording_->journal().empty() ? std::string()
                                                : ", into " + recording_->journal()));
            stop_ = true;
        }
    };
    // How long past a second to wait for stragglers before reporting it without them: 2 s of
    // session time, or half a real second at high speed (a thread may lag that much).
    const double slack_s = std::max(kSlackS, 0.5 * plan_.speed);
    const auto idle_sleep =
        std::chrono::duration<double>(std::clamp(0.02 / plan_.speed, 0.001, 0.02));
    bool ended = false;
    while (!stop_ && !ended) {
        bool idle = true;
        run_requests();
        while (auto s = out_.status.pop()) {
            engine_->on_status(*s);
            idle = false;
        }
        while (auto b = out_.beats.pop()) {
            idle = false;
            if (b->arrival_s > end_s) {
                ended = true;
                break;
            }
            report_until(b->arrival_s - 1e-9);  // seconds strictly before this beat
            engine_->on_beat(*b);
        }
        if (out_.beats.dropped() != dropped_reported) {
            dropped_reported = out_.beats.dropped();
            engine_->set_dropped(dropped_reported);
            warn(std::to_string(dropped_reported) +
                 " beats dropped: the engine fell behind the sensor");
        }
        const double now = clock_->now_s();
        report_until(now - slack_s);
        if (now >= end_s + slack_s) ended = true;
        if (sensor_->finished() && idle) {
            // A finite source ran dry: report up to its last beat and stop.
            report_until(engine_->current().t_s);
            ended = true;
        }
        drain_outputs();
        if (!idle || !unreported_.empty()) publish(SessionView::State::running);
        if (std::chrono::steady_clock::now() - last_commit >
            std::chrono::duration<double>(kCommitEveryRealS)) {
            commit();
            last_commit = std::chrono::steady_clock::now();
        }
        // Nothing to do: sleep. 20 ms at 1x (a strap sends once a second; the window redraws
        // from views anyway), down to 1 ms at high speed so the rings never fill.
        if (idle && !ended) std::this_thread::sleep_for(idle_sleep);
    }
    sensor_->stop();
    // Whatever is still in the rings arrived before the stop: keep it.
    while (auto s = out_.status.pop()) engine_->on_status(*s);
    while (auto b = out_.beats.pop()) {
        if (b->arrival_s > end_s) break;
        report_until(b->arrival_s - 1e-9);
        engine_->on_beat(*b);
    }
    if (std::isfinite(end_s) && !stop_) report_until(end_s);
    run_requests();
    drain_outputs();
    // Ended by the user: the session lasted until then, beats or not.
    const double until = std::max(engine_->current().t_s, next_second_ - 1);
    const double reached = std::min(end_s, stop_ ? std::max(until, clock_->now_s()) : until);
    reached_s_ = reached;
    if (plan_.protocol && run_.index >= 0 && !run_.done()) {  // ended before its last step
        advance_protocol(reached);
        finish_step(reached, "ended");
        finish_assessment(reached);
        publish_progress();
    }
    drain_outputs();
    report_events_until(kForever);
    info_ = sensor_->info();
    summary_ = summarize_session(beats_, *events_, reached, plan_.challenge);
    if (auto err = recording_->finish(reached, summary_, info_.id)) {
        warn(*err);
    } else {
        stored_ = true;
        try {
            db_->episodes(recording_->id());  // fitted and stored now, for triggers/progress
        } catch (const StoreError& e) {
            warn(e.what());  // they are fitted again when first asked for
        }
    }
    if (live_sync_) {
        // The end, state and summary to the server; a server away keeps them here for later.
        if (live_sync_->finish(kLastSyncWaitS)) {
            sync_state_ = "caught_up";
        } else {
            sync_state_ = "away";
            warn("the practice's server has not got all of session " +
                 std::to_string(recording_->id()) + " (" + live_sync_->problem() +
                 "); it is kept in " + db_->path() +
                 " and sent by `steady sync`, or by the next session or command that reaches "
                 "the server");
        }
    }
    publish(SessionView::State::ended);
    return summary_;
}

}  // namespace steady
