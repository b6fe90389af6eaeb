// The user's settings file, $XDG_CONFIG_HOME/steady/config.toml (default ~/.config/steady/).
// Missing file: defaults. A wrong key or value is refused with the file, line and reason, never
// silently ignored. Later parts (pacer, window) add their sections here.
//
//   sensor = "ble:A0:9E:1A:12:34:56"   # default for --sensor (any spec `steady scan` prints)
//   db = "/home/me/hrv/steady.db"      # default for --db
//   ant_network_key = "0011223344556677"  # the ANT+ key (licensed; never in this repository)
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace steady {

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Config {
    std::optional<std::string> sensor;
    std::optional<std::string> db;
    std::optional<std::string> ant_network_key;
};

// $XDG_CONFIG_HOME/steady/config.toml, or ~/.config/steady/config.toml; empty without HOME.
std::string default_config_path();

// Reads `path`; a file that does not exist gives the defaults unless `must_exist` (a path the
// user named). Throws ConfigError.
Config load_config(const std::string& path, bool must_exist = false);
Config parse_config(const std::string& text, const std::string& source);

}  // namespace steady
