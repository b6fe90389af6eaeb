// What `steady` (no subcommand) is asked to do: the trainer window's command line, as plain data
// so the command-line code (src/cli) can parse it without knowing the window (visuals/).
#pragma once

#include <string>

namespace steady {

class SensorRegistry;

struct TrainerOptions {
    std::string sensor;   // empty: settings file, last strap, else the simulator
    std::string pattern;  // empty: settings file, else 4-7-8
    bool fullscreen = false;
    double speed = 1;               // sim and replay only
    std::string screenshot;         // PNG to save at screenshot_at_s (session time)
    bool client_display = false;    // a second window for the client (the first: the console)
    std::string client_screenshot;  // the client display's PNG, at the same moment
    double screenshot_at_s = -1;
    double exit_after_s = 0;  // 0: until the window is closed
    std::string open;         // a view to open at start: focus, picker, journal, summary,
                              // settings, sessions
    std::string db;
    std::string config;
    std::string baseline;  // empty or new: measure it; last, or a session id
    std::string client;    // empty: the only client, else a picker asks who
    std::string protocol;  // a protocol to run (clinician mode); empty: free training
    bool no_pacer = false;
    bool no_adapt = false;
    bool no_audio = false;
    int width = 0, height = 0;  // 0: 16:9 at 90 % of the display
};

// Runs the window; returns the exit status. Provided by visuals/ and handed to steady_main().
using TrainerEntry = int (*)(const TrainerOptions&, const SensorRegistry&);

}  // namespace steady
