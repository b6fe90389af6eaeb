#include "cli/steady_main.h"
#include "cli/store_access.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "app/config.h"
#include "cli/analyze_command.h"
#include "cli/live_commands.h"
#include "drivers/drivers.h"
#include "protocol/protocol.h"
#include "session/store.h"
#include "steady_version.h"

namespace steady::cli {

namespace {

// Where Steady keeps things, for this user now (`steady --help`, and the manual pages, which
// are made with HOME=~ and no XDG variables so they read ~/...).
std::string where_things_are() {
    const auto or_unset = [](const std::string& p) {
        return p.empty() ? std::string("(HOME is not set: give --db and --config)") : p;
    };
    std::string sessions;
    try {
        sessions = Database::default_path();
    } catch (const StoreError&) {  // neither XDG_DATA_HOME nor HOME
    }
    return "Files:\n"
           "  sessions   " +
           or_unset(sessions) +
           " ($XDG_DATA_HOME/steady/steady.db; --db or the settings file's db change it)\n"
           "  settings   " +
           or_unset(default_config_path()) +
           " ($XDG_CONFIG_HOME/steady/config.toml; --config changes it)\n"
           "  protocols  " +
           or_unset(protocol::user_protocol_dir()) +
           " (your own, beside the built-in ones)\n"
           "  Folders are 0700 and files 0600; nothing leaves this computer unless db names a "
           "practice's server.\n\n"
           "Each command has its own help: steady COMMAND --help (or man steady-COMMAND).";
}

}  // namespace

int steady_main(int argc, char** argv, TrainerEntry trainer) {
    CLI::App app{
        "Steady: HRV biofeedback trainer. Paced breathing with your heart rhythm on screen.\n"
        "Without a command it opens the trainer window.",
        "steady"};
    app.require_subcommand(0, 1);
    app.set_version_flag(
        "--version", std::string("steady ") + kSteadyVersion + " (commit " + kSteadyCommit + ")");
    app.footer(where_things_are());
    int status = 0;
    TrainerOptions t;
    app.add_option("--sensor", t.sensor,
                   "Sensor for the window (default: the settings file, the last strap, else the "
                   "simulator)");
    app.add_option("--pattern", t.pattern,
                   "Breathing pattern: 4-7-8 (default), resonance, box, "
                   "equal or a custom one from the settings file");
    app.add_flag("--fullscreen", t.fullscreen, "Start full screen (F toggles)");
    app.add_option("--speed", t.speed,
                   "Run the simulator or a replay N times faster than real time (a live strap "
                   "runs at 1)")
        ->check(CLI::Range(0.01, 1000.0));
    app.add_option("--baseline", t.baseline,
                   "Resting baseline: new (the first 2 minutes), last (the newest stored one) or "
                   "a session id");
    app.add_option("--client", t.client,
                   "Whose session (default: the only client; with several, the window asks)");
    app.add_option("--protocol", t.protocol,
                   "Run a scripted protocol (`steady protocols`): demo, stress-profile, "
                   "rf-assessment, ...");
    app.add_flag("--no-adapt", t.no_adapt, "Keep the pacer's tempo fixed");
    app.add_flag("--no-pacer", t.no_pacer, "Run without the breathing pacer");
    app.add_option("--screenshot", t.screenshot, "Save the window as a PNG at --screenshot-at");
    app.add_flag("--client-display", t.client_display,
                 "Clinician mode: a second window for the client (the pacer, the step, gentle "
                 "feedback; full screen on a second monitor), this one the console");
    app.add_option("--client-screenshot", t.client_screenshot,
                   "Save the client display as a PNG at --screenshot-at");
    app.add_option("--screenshot-at", t.screenshot_at_s, "Session time of the screenshot (s)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--exit-after", t.exit_after_s,
                   "End the session and close after S seconds "
                   "of session time")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--open", t.open,
                   "Open a view at start: focus, picker, journal, settings, "
                   "sessions, progress, summary, review (the newest stored session), clients "
                   "(for screenshots and bug reports)")
        ->check(CLI::IsMember({"focus", "picker", "journal", "journal-list", "settings", "sessions",
                               "progress", "summary", "clients", "review"}));
    app.add_option("--db", t.db, kDbHelp);
    app.add_option("--config", t.config,
                   "Settings file (default $XDG_CONFIG_HOME/steady/config.toml)");
    app.add_flag("--no-audio", t.no_audio, "No sound cues");
    app.add_option("--size", t.width,
                   "Window width in pixels, height 16:9 (default: 90 % of the display)")
        ->check(CLI::Range(320, 7680));
    add_analyze_command(app, &status);
    add_record_command(app, &status);
    add_sessions_command(app, &status);
    add_scan_command(app, &status);
    add_recovery_commands(app, &status);
    add_clients_command(app, &status);
    add_report_command(app, &status);
    add_sync_command(app, &status);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        std::cerr << "steady: " << e.what() << "\n";
        return 1;
    }
    if (app.get_subcommands().empty()) {
        if ((!t.screenshot.empty() || !t.client_screenshot.empty()) && t.screenshot_at_s < 0) {
            std::cerr << "steady: --screenshot and --client-screenshot need --screenshot-at S "
                         "(session time)\n";
            return 2;
        }
        if (!t.client_screenshot.empty() && !t.client_display) {
            std::cerr << "steady: --client-screenshot needs --client-display\n";
            return 2;
        }
        if (t.width > 0) t.height = t.width * 9 / 16;
        if (!trainer) {
            std::cerr << "steady: this build has no trainer window (built with "
                         "-DSTEADY_WITH_GUI=OFF); use `steady record` for a headless session\n";
            return 1;
        }
        return trainer(t, sensor_registry());
    }
    return status;
}

}  // namespace steady::cli
