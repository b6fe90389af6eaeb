#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/config.h"
#include "cli/live_commands.h"
#include "cli/number_text.h"
#include "drivers/drivers.h"
#include "engine/live_session.h"
#include "session/store.h"

namespace steady::cli {
namespace {

std::atomic<LiveSession*> g_session{nullptr};
extern "C" void on_signal(int) {
    if (LiveSession* s = g_session.load()) s->stop();  // an atomic store: async-signal-safe
}

struct RecordOptions {
    std::string sensor;
    std::string config;
    double duration_s = 0;
    double speed = 1;
    std::string db;
    std::string csv;
    std::string baseline = "new";
    std::string pattern;
    bool no_pacer = false;
    bool no_adapt = false;
    bool quiet = false;
};

nlohmann::ordered_json opt(const std::optional<double>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
}

nlohmann::ordered_json pacer_json(const std::optional<PacerReport>& p) {
    if (!p) return nullptr;
    return {{"pattern", p->pattern},
            {"count_s", p->point.count_s},
            {"cycle_s", p->point.cycle_s},
            {"phase", p->point.paused ? "paused" : pacer::to_string(p->point.phase)},
            {"phase_progress", p->point.phase_progress}};
}

nlohmann::ordered_json second_line(double t_s, const Snapshot& s) {
    nlohmann::ordered_json j;
    j["t_s"] = t_s;
    j["hr_bpm"] = opt(s.hr_bpm);
    j["rr_ms"] = opt(s.rr_ms);
    j["rmssd_ms"] = opt(s.rmssd_60s_ms);
    j["rmssd_30s_ms"] = opt(s.rmssd_30s_ms);
    j["coherence_ratio"] = opt(s.coherence_ratio);
    j["coherence_score"] = opt(s.coherence_score);
    j["resp_rate_bpm"] = opt(s.resp_rate_bpm);
    j["lf_hf"] = opt(s.lf_hf);
    j["hf_ms2"] = opt(s.hf_ms2);
    j["arousal"] = {{"level", s.baseline_ready ? nlohmann::ordered_json(s.arousal.level)
                                               : nlohmann::ordered_json()},
                    {"band", s.baseline_ready ? to_string(s.arousal.band) : "baseline"}};
    j["sensor"] = {
        {"state", to_string(s.sensor.state)},
        {"battery_pct", s.sensor.battery_pct >= 0 ? nlohmann::ordered_json(s.sensor.battery_pct)
                                                  : nlohmann::ordered_json()}};
    if (s.sensor.detail) j["sensor"]["detail"] = s.sensor.detail;
    j["beats"] = s.beats;
    j["artifacts"] = s.artifacts;
    j["gaps"] = s.gaps;
    j["dropped"] = s.dropped;
    return j;
}

int run(RecordOptions o) {
    // Settings file first, then the command line wins.
    std::optional<PacerSetup> pacer_setup;
    try {
        const Config cfg =
            o.config.empty() ? load_config(default_config_path()) : load_config(o.config, true);
        if (o.sensor.empty()) o.sensor = cfg.sensor.value_or("sim");
        if (o.db.empty() && cfg.db) o.db = *cfg.db;
        if (!o.no_pacer) {
            const std::string name =
                !o.pattern.empty() ? o.pattern : cfg.pacer.pattern.value_or("4-7-8");
            pacer_setup = PacerSetup{resolve_pattern(name, cfg.pacer), cfg.pacer.adapt};
            if (o.no_adapt) pacer_setup->adapt.enabled = false;
        }
    } catch (const ConfigError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 2;
    }
    std::unique_ptr<Sensor> sensor;
    std::unique_ptr<SessionStore> store;
    std::ofstream csv;
    try {
        sensor = sensor_registry().open(o.sensor, {o.speed});
        store = std::make_unique<SessionStore>(o.db.empty() ? SessionStore::default_path() : o.db);
    } catch (const std::exception& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 1;
    }
    if (!o.csv.empty()) {
        csv.open(o.csv);
        if (!csv) {
            std::cerr << "steady record: " << o.csv << ": cannot write the CSV file\n";
            return 1;
        }
        csv << "t_s,rr_ms,flags\n";
    }
    if (store->interrupted_on_open() > 0)
        std::cerr << "steady record: " << store->interrupted_on_open()
                  << " earlier session(s) ended without closing (killed or crashed); marked "
                     "interrupted, their beats are kept\n";
    LiveSessionConfig config;
    config.duration_s = o.duration_s;
    config.speed = o.speed;
    config.pacer = pacer_setup;
    if (o.baseline != "new") {
        std::optional<std::int64_t> from;
        if (o.baseline != "last") {
            try {
                from = std::stoll(o.baseline);
            } catch (const std::exception&) {
                std::cerr << "steady record: --baseline \"" << o.baseline
                          << "\": expected new, last or a session id\n";
                return 2;
            }
        }
        try {
            config.engine.baseline = store->stored_baseline(from);
        } catch (const StoreError& e) {
            std::cerr << "steady record: " << e.what() << "\n";
            return 1;
        }
        if (!config.engine.baseline) {
            std::cerr << "steady record: no stored baseline "
                      << (from ? "in session " + o.baseline : std::string("yet"))
                      << "; record one with --baseline new (the first 2 minutes at rest)\n";
            return 1;
        }
        std::cerr << "steady record: resting baseline from "
                  << (from ? "session " + o.baseline : std::string("the latest session")) << ": "
                  << exact(std::round(config.engine.baseline->hr_bpm * 10) / 10) << " bpm, RMSSD "
                  << exact(std::round(config.engine.baseline->rmssd_ms * 10) / 10) << " ms\n";
    }
    const SensorInfo info = sensor->info();
    LiveSession session(std::move(sensor), config, store.get());
    try {
        session.start();  // a sensor that cannot start leaves no empty session behind
    } catch (const SensorError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 1;
    }
    const std::int64_t id = store->begin_session(info.id);
    std::cerr << "steady record: session " << id << " from " << info.name << " into "
              << store->path() << (o.speed != 1 ? " at speed " + exact(o.speed) : "")
              << "; Ctrl-C stops and keeps everything\n";

    session.on_second = [&](double t, const Snapshot& s) {
        if (o.quiet) return;
        nlohmann::ordered_json j = second_line(t, s);
        j["pacer"] = pacer_json(session.pacer_at(t));
        std::cout << j.dump() << "\n" << std::flush;
    };
    session.on_event = [&](const EngineEvent& e) {
        if (o.quiet) return;
        nlohmann::ordered_json j{{"event", e.kind}, {"t_s", e.t_s}};
        const auto payload = nlohmann::ordered_json::parse(e.payload);
        for (const auto& [k, v] : payload.items()) j[k] = v;
        std::cout << j.dump() << "\n" << std::flush;
    };
    session.on_beat = [&](const PlacedBeat& b) {
        if (csv) csv << exact(b.t_s) << ',' << exact(b.rr_ms) << ',' << b.flags << '\n';
    };
    session.on_warning = [](const std::string& w) { std::cerr << "steady record: " << w << "\n"; };

    g_session = &session;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const double reached = session.run();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_session = nullptr;

    const Snapshot& last = session.engine().current();
    try {
        store->set_sensor(session.sensor_info().id);
    } catch (const StoreError&) {
        // the session keeps the spec it started with
    }
    if (auto err = store->finish_session(reached)) {
        std::cerr << "steady record: " << *err << "\n";
        return 1;
    }
    if (csv) {
        csv.flush();
        if (!csv) std::cerr << "steady record: " << o.csv << ": write failed (disk full?)\n";
    }
    std::cerr << "steady record: session " << id << " saved: " << exact(std::round(reached))
              << " s, " << last.beats << " beats, " << last.artifacts << " flagged as artifacts\n";
    return 0;
}

}  // namespace

void add_record_command(CLI::App& app, int* status) {
    auto o = std::make_shared<RecordOptions>();
    CLI::App* cmd = app.add_subcommand("record",
                                       "Run a session headless and store it; prints one "
                                       "JSON object per second (JSON Lines)");
    cmd->add_option("--sensor", o->sensor,
                    "Sensor: " + sensor_registry().usage() +
                        " (default: `sensor` in the settings file, else sim)");
    cmd->add_option("--config", o->config,
                    "Settings file (default $XDG_CONFIG_HOME/steady/config.toml)");
    cmd->add_option("--duration", o->duration_s,
                    "Session length in seconds (default: until Ctrl-C "
                    "or the end of a replayed file)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--speed", o->speed, "Run sim/replay N times faster than real time")
        ->check(CLI::Range(0.01, 100000.0))
        ->capture_default_str();
    cmd->add_option("--db", o->db, "Session database (default $XDG_DATA_HOME/steady/steady.db)");
    cmd->add_option("--csv", o->csv, "Also write the beats to this CSV file (t_s,rr_ms,flags)");
    cmd->add_option("--baseline", o->baseline,
                    "Resting baseline: new (the first 2 minutes), last (the newest stored one) or "
                    "a session id")
        ->capture_default_str();
    cmd->add_option("--pattern", o->pattern,
                    "Breathing pattern for the pacer: 4-7-8 (default), resonance, box, equal, or "
                    "a custom one from the settings file");
    cmd->add_flag("--no-adapt", o->no_adapt, "Keep the pacer's tempo fixed");
    cmd->add_flag("--no-pacer", o->no_pacer, "Run without the breathing pacer");
    cmd->add_flag("--quiet", o->quiet, "No per-second output");
    cmd->callback([o, status] { *status = run(*o); });
}

void add_scan_command(CLI::App& app, int* status) {
    CLI::App* cmd = app.add_subcommand("scan", "List the sensors this build can find");
    cmd->callback([status] {
        std::vector<std::string> problems;
        for (const SensorInfo& s : sensor_registry().scan(&problems))
            std::cout << s.id << "\t" << s.name << "\n";
        for (const std::string& p : problems) std::cerr << "steady scan: " << p << "\n";
        *status = 0;
    });
}

}  // namespace steady::cli
