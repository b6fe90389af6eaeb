#include "app/config.h"

#include <toml++/toml.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace steady {

std::string default_config_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg == '/') return std::string(xdg) + "/steady/config.toml";
    const char* home = std::getenv("HOME");
    if (!home || !*home) return {};
    return std::string(home) + "/.config/steady/config.toml";
}

Config load_config(const std::string& path, bool must_exist) {
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) {
        if (must_exist) throw ConfigError(path + ": no such settings file");
        return {};
    }
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot read the settings file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), path);
}

Config parse_config(const std::string& text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw ConfigError(source + ": line " + std::to_string(e.source().begin.line) + ": " +
                          std::string(e.description()));
    }
    Config c;
    for (const auto& [key, node] : root) {
        const std::string where = source + ": line " + std::to_string(node.source().begin.line) +
                                  ": " + std::string(key.str());
        std::optional<std::string>* slot = key == "sensor"            ? &c.sensor
                                           : key == "db"              ? &c.db
                                           : key == "ant_network_key" ? &c.ant_network_key
                                                                      : nullptr;
        if (!slot)
            throw ConfigError(where + ": unknown setting (known: sensor, db, ant_network_key)");
        const auto v = node.value<std::string>();
        if (!v || v->empty()) throw ConfigError(where + ": must be a non-empty string in quotes");
        *slot = *v;
    }
    return c;
}

}  // namespace steady
