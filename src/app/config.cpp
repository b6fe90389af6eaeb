#include "app/config.h"

#include "app/private_file.h"
#include "app/quoted.h"
#include "practice/server.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace steady {
namespace {

std::string where(const std::string& source, const toml::node& node, const std::string& key) {
    return source + ": line " + std::to_string(node.source().begin.line) + ": " + cut(key);
}

std::string need_string(const toml::node& node, const std::string& at) {
    const auto v = node.value<std::string>();
    if (!v || v->empty()) throw ConfigError(at + ": must be a non-empty string in quotes");
    return *v;
}

double need_number(const toml::node& node, const std::string& at, double lo, double hi) {
    const auto v = node.value<double>();  // integers convert too
    if (!v) throw ConfigError(at + ": must be a number");
    if (!(*v >= lo && *v <= hi))
        throw ConfigError(at + ": " + plain_number(*v) + " is out of range (" + plain_number(lo) +
                          " to " + plain_number(hi) + ")");
    return *v;
}

bool need_bool(const toml::node& node, const std::string& at) {
    // toml++ would read 0 and 2 as booleans; the settings file means true or false only.
    if (!node.is_boolean()) throw ConfigError(at + ": must be true or false");
    return *node.value<bool>();
}

const toml::table& need_table(const toml::node& node, const std::string& at) {
    const toml::table* t = node.as_table();
    if (!t) throw ConfigError(at + ": must be a [section]");
    return *t;
}

pacer::Pattern parse_custom(const std::string& name, const toml::table& t,
                            const std::string& source) {
    pacer::Pattern p;
    p.name = name;
    p.count_s = 1.0;
    bool have_counts = false;
    for (const auto& [k, node] : t) {
        const std::string key = std::string(k.str());
        const std::string at = where(source, node, "pacer.patterns." + name + "." + key);
        if (key == "counts") {
            const toml::array* a = node.as_array();
            if (!a || a->size() < 2 || a->size() > 4)
                throw ConfigError(at +
                                  ": must be a list of 2 to 4 numbers (inhale, hold, exhale, "
                                  "hold-out; 2 numbers mean inhale, exhale)");
            std::vector<double> c;
            for (const auto& x : *a) c.push_back(need_number(x, at, 0, 60));
            if (c.size() == 2) c = {c[0], 0, c[1], 0};
            if (c.size() == 3) c.push_back(0);
            for (std::size_t i = 0; i < 4; ++i) p.counts[i] = c[i];
            have_counts = true;
        } else if (key == "count_s") {
            p.count_s = need_number(node, at, 0.2, 5);
        } else if (key == "adapt") {
            const std::string v = need_string(node, at);
            p.adapt = v == "arousal"     ? pacer::Adapt::arousal
                      : v == "resonance" ? pacer::Adapt::resonance
                      : v == "none"      ? pacer::Adapt::none
                                         : throw ConfigError(at + ": " + echo_quoted(v) +
                                                             ": expected arousal, resonance "
                                                                  "or none");
        } else {
            throw ConfigError(at + ": unknown setting (known: counts, count_s, adapt)");
        }
    }
    const std::string at = source + ": [pacer.patterns." + name + "]";
    if (!have_counts) throw ConfigError(at + ": needs counts = [inhale, hold, exhale, hold-out]");
    if (auto why = pacer::check_pattern(p)) throw ConfigError(at + ": " + *why);
    return p;
}

void parse_pacer(const toml::table& t, const std::string& source, PacerConfig& pc) {
    for (const auto& [k, node] : t) {
        const std::string key = std::string(k.str());
        const std::string at = where(source, node, "pacer." + key);
        if (key == "pattern") {
            pc.pattern = need_string(node, at);
        } else if (key == "adapt") {
            pc.adapt.enabled = need_bool(node, at);
        } else if (key == "fast_count_s") {
            pc.adapt.fast_count_s = need_number(node, at, 0.2, 5);
        } else if (key == "slow_count_s") {
            pc.adapt.slow_count_s = need_number(node, at, 0.2, 5);
        } else if (key == "patterns") {
            for (const auto& [name, sub] : need_table(node, at)) {
                const std::string n = std::string(name.str());
                if (pacer::find_pattern(n, {}))
                    throw ConfigError(where(source, sub, "pacer.patterns." + n) +
                                      ": a built-in pattern has this name; choose another");
                pc.custom.push_back(parse_custom(n, need_table(sub, at + "." + n), source));
            }
        } else {
            throw ConfigError(at +
                              ": unknown setting (known: pattern, adapt, fast_count_s, "
                              "slow_count_s, patterns)");
        }
    }
    if (auto why = pacer::check_adapt(pc.adapt)) throw ConfigError(source + ": [pacer]: " + *why);
    if (pc.pattern && !pacer::find_pattern(*pc.pattern, pc.custom))
        throw ConfigError(source + ": [pacer]: pattern " + echo_quoted(*pc.pattern) +
                          " is not known (known: " + pacer::pattern_names(pc.custom) + ")");
}

void parse_window(const toml::table& t, const std::string& source, WindowConfig& w) {
    for (const auto& [k, node] : t) {
        const std::string key = std::string(k.str());
        const std::string at = where(source, node, "window." + key);
        if (key == "audio") {
            w.audio = need_bool(node, at);
        } else if (key == "volume") {
            w.volume = need_number(node, at, 0, 1);
        } else if (key == "challenge") {
            w.challenge = static_cast<int>(need_number(node, at, 1, 4));
            if (node.value<double>() != static_cast<double>(w.challenge))
                throw ConfigError(at + ": must be a whole number from 1 to 4");
        } else if (key == "font_scale") {
            w.font_scale = need_number(node, at, 0.5, 4);
        } else if (key == "last_sensor") {
            w.last_sensor = need_string(node, at);
        } else if (key == "width" || key == "height" || key == "x" || key == "y") {
            const bool size = key == "width" || key == "height";
            const double lo = size ? 320 : -32768, hi = size ? 16384 : 32768;
            const double v = need_number(node, at, lo, hi);
            if (v != std::floor(v)) throw ConfigError(at + ": must be a whole number of pixels");
            (key == "width"    ? w.width
             : key == "height" ? w.height
             : key == "x"      ? w.x
                               : w.y) = static_cast<int>(v);
        } else if (key == "maximized") {
            w.maximized = need_bool(node, at);
        } else if (key == "journal_categories") {
            const toml::array* a = node.as_array();
            if (!a || a->empty())
                throw ConfigError(at + ": must be a list of names, e.g. [\"delayed reply\"]");
            w.journal_categories.clear();
            for (const auto& x : *a) w.journal_categories.push_back(need_string(x, at));
        } else {
            throw ConfigError(at +
                              ": unknown setting (known: audio, volume, challenge, font_scale, "
                              "last_sensor, journal_categories, width, height, x, y, maximized)");
        }
    }
}

}  // namespace

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
    for (const auto& [k, node] : root) {
        const std::string key = std::string(k.str());
        const std::string at = where(source, node, key);
        if (key == "pacer") {
            parse_pacer(need_table(node, at), source, c.pacer);
        } else if (key == "window") {
            parse_window(need_table(node, at), source, c.window);
        } else {
            std::optional<std::string>* slot = key == "sensor"            ? &c.sensor
                                               : key == "db"              ? &c.db
                                               : key == "ant_network_key" ? &c.ant_network_key
                                                                          : nullptr;
            if (!slot)
                throw ConfigError(at +
                                  ": unknown setting (known: sensor, db, ant_network_key, "
                                  "[pacer], [window])");
            *slot = need_string(node, at);
            if (slot == &c.db && practice::is_server(*c.db) && practice::has_password(*c.db))
                throw ConfigError(at +
                                  ": holds a password; Steady never keeps one in its settings: "
                                  "put it in ~/.pgpass or the file PGPASSFILE names, and take it "
                                  "out of db");
        }
    }
    return c;
}

std::string config_text(const Config& c) {
    toml::table root;
    if (c.sensor) root.insert("sensor", *c.sensor);
    if (c.db) root.insert("db", *c.db);
    if (c.ant_network_key) root.insert("ant_network_key", *c.ant_network_key);
    toml::table pacer;
    if (c.pacer.pattern) pacer.insert("pattern", *c.pacer.pattern);
    pacer.insert("adapt", c.pacer.adapt.enabled);
    pacer.insert("fast_count_s", c.pacer.adapt.fast_count_s);
    pacer.insert("slow_count_s", c.pacer.adapt.slow_count_s);
    if (!c.pacer.custom.empty()) {
        toml::table patterns;
        for (const pacer::Pattern& p : c.pacer.custom) {
            toml::array counts;
            for (double x : p.counts) counts.push_back(x);
            patterns.insert(p.name, toml::table{{"counts", counts},
                                                {"count_s", p.count_s},
                                                {"adapt", pacer::to_string(p.adapt)}});
        }
        pacer.insert("patterns", patterns);
    }
    root.insert("pacer", pacer);
    toml::table window{{"audio", c.window.audio},
                       {"volume", c.window.volume},
                       {"challenge", c.window.challenge},
                       {"font_scale", c.window.font_scale}};
    if (c.window.last_sensor) window.insert("last_sensor", *c.window.last_sensor);
    if (c.window.width && c.window.height) {
        window.insert("width", *c.window.width);
        window.insert("height", *c.window.height);
    }
    if (c.window.x && c.window.y) {
        window.insert("x", *c.window.x);
        window.insert("y", *c.window.y);
    }
    if (c.window.maximized) window.insert("maximized", true);
    if (c.window.journal_categories != WindowConfig{}.journal_categories) {
        toml::array cats;
        for (const std::string& n : c.window.journal_categories) cats.push_back(n);
        window.insert("journal_categories", cats);
    }
    root.insert("window", window);
    std::ostringstream out;
    out << "# Steady settings (see README). The window rewrites this file when a setting changes.\n"
        << root << "\n";
    return out.str();
}

void save_config(const std::string& path, const Config& c) {
    if (path.empty()) throw ConfigError("no settings path: set HOME or XDG_CONFIG_HOME");
    const std::filesystem::path p(path);
    if (p.has_parent_path()) {
        try {
            make_private_dirs(p.parent_path().string());  // each made 0700, whatever the umask
        } catch (const PrivateFileError& e) {
            throw ConfigError(e.what());
        }
    }
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) throw ConfigError(tmp + ": cannot write the settings file");
        ::chmod(tmp.c_str(), 0600);
        out << config_text(c);
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            throw ConfigError(tmp + ": write failed (disk full?); the old settings are kept");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw ConfigError(path + ": cannot replace the settings file: " + ec.message());
    }
}

pacer::Pattern resolve_pattern(const std::string& name, const PacerConfig& pc) {
    if (auto p = pacer::find_pattern(name, pc.custom)) return *p;
    throw ConfigError("pattern " + echo_quoted(name) +
                      " is not known (known: " + pacer::pattern_names(pc.custom) + ")");
}

}  // namespace steady
