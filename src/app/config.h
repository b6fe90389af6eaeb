// The user's settings file, $XDG_CONFIG_HOME/steady/config.toml (default ~/.config/steady/).
// Missing file: defaults. A wrong key or value is refused with the file, line and reason, never
// silently ignored. The window saves its settings back here (save_config), so the file is
// rewritten in toml++'s layout when a setting changes there.
//
//   sensor = "ble:A0:9E:1A:12:34:56"   # default for --sensor (any spec `steady scan` prints)
//   db = "/home/me/hrv/steady.db"      # default for --db
//   ant_network_key = "0011223344556677"  # the ANT+ key (licensed; never in this repository)
//
//   [pacer]
//   pattern = "4-7-8"        # 4-7-8, resonance, box, equal, or a custom name below
//   adapt = true             # tempo follows arousal (pacer/adaptive.h)
//   fast_count_s = 0.55      # shortest count when highly activated
//   slow_count_s = 1.0       # longest count when calm
//
//   [pacer.patterns.long-exhale]   # a custom pattern: counts for inhale, hold, exhale, hold-out
//   counts = [4, 0, 8, 0]
//   count_s = 1.0            # seconds per count to start
//   adapt = "arousal"        # arousal, resonance or none
//
//   [window]
//   audio = true             # soft tones at phase changes
//   volume = 0.5             # 0-1
//   challenge = 1            # coherence challenge level 1-4
//   font_scale = 1.0         # on top of the display's DPI
//   last_sensor = "ble:..."  # the strap used last (the window reconnects it on start)
//   width = 1600             # the window's size and position when it last closed (saved then;
//   height = 900             #   a position on no display now is left to the desktop)
//   x = 160
//   y = 90
//   maximized = false
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pacer/adaptive.h"
#include "pacer/pattern.h"

namespace steady {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct PacerConfig {
    std::optional<std::string> pattern;
    pacer::AdaptConfig adapt;  // enabled, fast_count_s, slow_count_s from the file
    std::vector<pacer::Pattern> custom;
};

struct WindowConfig {
    bool audio = true;
    double volume = 0.5;
    int challenge = 1;
    double font_scale = 1.0;
    std::optional<std::string> last_sensor;
    // Where the window was when it last closed (empty: never, or full screen then).
    std::optional<int> width, height, x, y;
    bool maximized = false;
    // What happened, as the trigger journal offers it (editable; these are the defaults).
    std::vector<std::string> journal_categories = {
        "delayed reply", "unclear plans", "partner distance",
        "conflict",      "criticism",     "being alone",
        "work",          "other"};
};

struct Config {
    std::optional<std::string> sensor;
    std::optional<std::string> db;
    std::optional<std::string> ant_network_key;
    PacerConfig pacer;
    WindowConfig window;
};

// $XDG_CONFIG_HOME/steady/config.toml, or ~/.config/steady/config.toml; empty without HOME.
std::string default_config_path();

// Reads `path`; a file that does not exist gives the defaults unless `must_exist` (a path the
// user named). Throws ConfigError.
Config load_config(const std::string& path, bool must_exist = false);
Config parse_config(const std::string& text, const std::string& source);

// Writes `c` to `path` (directory 0700, file 0600; through a temporary file and a rename, so a
// failed write leaves the old file). Throws ConfigError saying why.
void save_config(const std::string& path, const Config& c);
std::string config_text(const Config& c);

// The pattern named `name` (built-in or custom); throws ConfigError listing the known names.
pacer::Pattern resolve_pattern(const std::string& name, const PacerConfig& pc);

}  // namespace steady
