// `steady record`: a JSON Lines printer over one TrainingSession, and `steady scan`.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/config.h"
#include "app/private_file.h"
#include "cli/json_out.h"
#include "cli/live_commands.h"
#include "cli/number_text.h"
#include "cli/store_access.h"
#include "drivers/drivers.h"
#include "practice/server.h"
#include "protocol/protocol.h"
#include "training/training_session.h"

namespace steady::cli {
namespace {

using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

std::atomic<TrainingSession*> g_session{nullptr};
extern "C" void on_signal(int) {
    if (TrainingSession* s = g_session.load()) s->end();  // an atomic store: async-signal-safe
}

struct RecordOptions {
    std::string sensor;
    std::string config;
    double duration_s = 0;
    double speed = 1;
    std::string db;
    std::string csv;
    bool force = false;
    std::string baseline = "new";
    std::string pattern;
    bool no_pacer = false;
    bool no_adapt = false;
    bool quiet = false;
    std::string client;
    std::string protocol;
    bool accept_rf = false;
};

int run(RecordOptions o) {
    // Settings file first, then the command line wins.
    SessionPlan plan;
    try {
        const Config cfg =
            o.config.empty() ? load_config(default_config_path()) : load_config(o.config, true);
        plan.sensor = o.sensor.empty() ? cfg.sensor.value_or("sim") : o.sensor;
        plan.db_path = o.db.empty() ? cfg.db.value_or("") : o.db;
        plan.challenge = cfg.window.challenge;
        plan.patterns = cfg.pacer.custom;
        plan.adapt = cfg.pacer.adapt;
        plan.pattern_given = !o.pattern.empty();
        if (!o.client.empty()) plan.client = o.client;
        if (!o.protocol.empty())
            plan.protocol = protocol::find_protocol(o.protocol, protocol::user_protocol_dir(),
                                                    cfg.pacer.custom);
        if (o.accept_rf && !(plan.protocol && plan.protocol->resonance_assessment)) {
            std::cerr << "steady record: --accept-rf needs --protocol rf-assessment (or another "
                         "resonance assessment)\n";
            return 2;
        }
        if (!o.no_pacer) {
            const std::string name =
                !o.pattern.empty() ? o.pattern : cfg.pacer.pattern.value_or("4-7-8");
            plan.pacer = PacerSetup{resolve_pattern(name, cfg.pacer), cfg.pacer.adapt};
            if (o.no_adapt) plan.pacer->adapt.enabled = false;
        }
    } catch (const ConfigError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 2;
    } catch (const protocol::ProtocolError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 2;
    }
    plan.speed = o.speed;
    plan.duration_s = o.duration_s;
    plan.baseline = o.baseline;

    std::unique_ptr<TrainingSession> session;
    try {
        session = std::make_unique<TrainingSession>(plan, sensor_registry());
    } catch (const PlanError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 2;
    } catch (const SensorSpecError& e) {  // a bad scenario file, an unknown transport
        std::cerr << "steady record: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {  // SensorError, StoreError
        std::cerr << "steady record: " << e.what() << "\n";
        return 1;
    }
    Database& db = session->database();
    if (db.interrupted_on_open() > 0)
        std::cerr << "steady record: " << db.interrupted_on_open()
                  << " earlier session(s) ended without closing (killed or crashed); marked "
                     "interrupted, their beats are kept\n";
    if (const auto& b = session->stored_baseline())
        std::cerr << "steady record: resting baseline from "
                  << (plan.baseline == "last" ? "the latest session" : "session " + plan.baseline)
                  << " of " << session->client().name << ": "
                  << exact(std::round(b->hr_bpm * 10) / 10) << " bpm, RMSSD "
                  << exact(std::round(b->rmssd_ms * 10) / 10) << " ms\n";
    for (const std::string& n : db.notices()) std::cerr << "steady record: " << n << "\n";
    // The beats as CSV: a private file (0600, never through a symlink), never over an existing
    // one unless --force.
    FilePtr csv(nullptr, &std::fclose);
    if (!o.csv.empty()) {
        try {
            csv.reset(::fdopen(open_private(o.csv, o.force), "w"));
        } catch (const PrivateFileError& e) {
            std::cerr << "steady record: " << e.what() << "\n";
            return 2;
        }
        if (!csv) {
            std::cerr << "steady record: " << o.csv << ": cannot write the CSV file\n";
            return 1;
        }
        std::fputs("t_s,rr_ms,flags\n", csv.get());
    }
    try {
        session->start();  // a sensor that cannot start leaves no empty session behind
    } catch (const SensorError& e) {
        std::cerr << "steady record: " << e.what() << "\n";
        return 1;
    }
    const SensorInfo& info = session->sensor_info();
    std::string length;
    if (std::isfinite(session->end_s()))
        length = ", " + clock_text(session->end_s()) +
                 (plan.duration_s > 0 ? ""
                  : plan.protocol     ? " (the protocol's length)"
                                      : " (the scenario's length)");
    if (plan.protocol)
        std::cerr << "steady record: protocol " << plan.protocol->name << ", "
                  << plan.protocol->steps.size() << " steps, "
                  << clock_text(plan.protocol->duration_s()) << "\n";
    std::cerr << "steady record: session " << session->id() << " of " << session->client().name
              << " from " << info.name << " into " << db.path()
              << (session->server() ? ", sent to " + practice::redacted(*session->server()) : "")
              << (o.speed != 1 ? " at speed " + exact(o.speed) : "") << length
              << "; Ctrl-C stops and keeps everything\n";

    // A closed standard output (`| head`) stops the printing: a session with an end goes on to
    // it, one without ends now; either way it is stored complete.
    bool printing = !o.quiet;
    const auto print = [&](const nlohmann::ordered_json& line) {
        if (!printing) return;
        std::cout << line.dump() << "\n" << std::flush;
        if (std::cout) return;
        printing = false;
        if (!std::isfinite(session->end_s())) session->end();
    };
    session->callbacks.on_second = [&](double t, const Snapshot& s,
                                       const std::optional<PacerReport>& p) {
        print(second_line(t, s, p));
    };
    session->callbacks.on_event = [&](const Event& e) { print(event_line(e)); };
    session->callbacks.on_beat = [&](const PlacedBeat& b) {
        if (csv)
            std::fprintf(csv.get(), "%s,%s,%u\n", exact(b.t_s).c_str(), exact(b.rr_ms).c_str(),
                         b.flags);
    };
    session->callbacks.on_warning = [](const std::string& w) {
        std::cerr << "steady record: " << w << "\n";
    };

    g_session = session.get();
    // Ctrl-C, SIGTERM and a closed terminal (SIGHUP) end the session cleanly; a closed pipe is
    // an error on write (above), not a signal that kills the process with beats unsaved.
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    const SessionSummary summary = session->run();
    for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(sig, SIG_DFL);
    g_session = nullptr;

    if (csv) {
        const bool ok = std::fflush(csv.get()) == 0 && !std::ferror(csv.get());
        if (!ok) std::cerr << "steady record: " << o.csv << ": write failed (disk full?)\n";
    }
    if (!session->stored()) return 1;  // the reason was printed as a warning
    const std::int64_t id = session->id();
    std::cerr << "steady record: session " << id
              << " saved: " << exact(std::round(summary.duration_s)) << " s, " << summary.beats
              << " beats\n";
    std::cerr << session_text(db.session(id), summary, *session->view()->events);
    if (o.accept_rf) {
        const auto progress = session->view()->protocol;
        if (!progress || !progress->rf || !progress->rf->suggested_bpm) {
            std::cerr << "steady record: no rate could be suggested, so none was stored for "
                      << session->client().name << "\n";
            return 1;
        }
        try {
            session->confirm_resonance(*progress->rf->suggested_bpm);
        } catch (const StoreError& e) {
            std::cerr << "steady record: " << e.what() << "\n";
            return 1;
        }
        std::cerr << "steady record: resonance rate " << exact(*progress->rf->suggested_bpm)
                  << " breaths/min stored for " << session->client().name
                  << "; the resonance pattern now paces at it\n";
    }
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
                    "Session length in seconds (default: until Ctrl-C, the end of a replayed "
                    "file, or a scenario's own length)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--speed", o->speed,
                    "Run the simulator or a replay N times faster than real time (a live strap "
                    "runs at 1)")
        ->check(CLI::Range(0.01, 100000.0))
        ->capture_default_str();
    cmd->add_option("--db", o->db, kDbHelp);
    cmd->add_option("--csv", o->csv,
                    "Also write the beats to this CSV file (t_s,rr_ms,flags; 0600; an existing "
                    "file is refused unless --force)");
    cmd->add_flag("--force", o->force, "Let --csv replace an existing file");
    cmd->add_option("--baseline", o->baseline,
                    "Resting baseline: new (the first 2 minutes), last (the newest stored one) or "
                    "a session id")
        ->capture_default_str();
    cmd->add_option("--pattern", o->pattern,
                    "Breathing pattern for the pacer: 4-7-8 (default), resonance, box, equal, or "
                    "a custom one from the settings file");
    cmd->add_flag("--no-adapt", o->no_adapt, "Keep the pacer's tempo fixed");
    cmd->add_flag("--no-pacer", o->no_pacer, "Run without the breathing pacer");
    cmd->add_flag("--quiet", o->quiet, "No per-second output (the summary still ends on stderr)");
    cmd->add_option("--client", o->client,
                    "Whose session (default: the first client; `steady clients list`)");
    cmd->add_option("--protocol", o->protocol,
                    "Run a scripted protocol: demo, stress-profile, rf-assessment, "
                    "rf-assessment-1to1, one of yours, or a .toml file (`steady protocols`)");
    cmd->add_flag("--accept-rf", o->accept_rf,
                  "After a resonance assessment, store the suggested rate as the client's");
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
