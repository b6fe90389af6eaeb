// `steady triggers`, `steady progress` and `steady import`: recovery after triggers across
// sessions (README "Recovery after triggers").
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command_errors.h"
#include "cli/json_out.h"
#include "cli/live_commands.h"
#include "cli/store_access.h"
#include "io/rr_file.h"
#include "recovery/progress.h"
#include "session/episode_json.h"
#include "session/event_json.h"
#include "session/history.h"
#include "session/iso_time.h"
#include "session/json_values.h"
#include "session/store.h"
#include "training/analyse_recording.h"

namespace steady::cli {
namespace {

using Json = nlohmann::ordered_json;

struct HistoryOptions {
    std::string db;
    std::string client;
    std::string since, until;
    std::string session;  // id, UUID or UUID prefix
    std::string format = "text";
    std::vector<std::string> files;
    std::string at;
};

// ISO 8601 in local time with its offset: 2026-12-01T09:30:00+01:00.
std::string local_iso(std::time_t t) {
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    std::string s = buf;
    if (s.size() >= 5) s.insert(s.size() - 2, ":");
    return s;
}

Client client_of(Database& db, const std::string& name) {
    return name.empty() ? db.default_client() : db.client(name);
}

// [since, until + 1 day) as UTC seconds, from local dates.
std::pair<std::optional<std::time_t>, std::optional<std::time_t>> date_range(
    const HistoryOptions& o) {
    std::optional<std::time_t> from, to;
    if (!o.since.empty() && !(from = recovery::parse_local_date(o.since)))
        throw UsageError("--since \"" + o.since + "\": expected a date as YYYY-MM-DD");
    if (!o.until.empty()) {
        to = recovery::parse_local_date(o.until);
        if (!to) throw UsageError("--until \"" + o.until + "\": expected a date as YYYY-MM-DD");
        *to += 86400;  // the whole day
    }
    return {from, to};
}

std::string opt_text(const std::optional<double>& v, const char* fmt) {
    if (!v) return "--";
    char buf[32];
    std::snprintf(buf, sizeof buf, fmt, *v);
    return buf;
}

int triggers(const HistoryOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "triggers");
    Database& db = store->db();
    const std::int64_t only = o.session.empty() ? 0 : db.resolve(o.session);
    Json all = Json::array();
    const auto [from, to] = date_range(o);
    for (const recovery::SessionDay& s :
         session_days(db, client_of(db, o.client), from, to, only)) {
        for (const recovery::Episode& e : s.episodes) {
            Json j{{"session", s.id}, {"session_started_at", local_iso(s.start)}};
            const Json fields = episode_json(e);  // named: items() does not keep it alive
            for (const auto& [k, v] : fields.items()) j[k] = v;
            all.push_back(j);
        }
    }
    round_numbers(all);
    if (o.format == "json") {
        std::cout << all.dump(1) << "\n";
        return 0;
    }
    if (o.format == "csv") {
        std::cout << "session,session_started_at,onset_s,source,baseline_hr_bpm,peak_hr_bpm,"
                     "peak_s,rise_bpm,hr_t50_s,hr_t90_s,hr_tau_s,hr_level_bpm,hr_r2,"
                     "hr_recovery_reason,rmssd_t50_s,back_to_baseline_s,censored,journal_what\n";
        const auto cell = [](const Json& v) {
            if (v.is_null()) return std::string();
            if (v.is_string()) {
                std::string s = v.get<std::string>(), q = "\"";
                for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
                return q + "\"";
            }
            return v.dump();
        };
        for (const Json& j : all) {
            const Json& hr = j["hr_recovery"];
            const Json& rm = j["rmssd_recovery"];
            const Json none;
            std::cout << j["session"] << ',' << cell(j["session_started_at"]) << ','
                      << cell(j["onset_s"]) << ',' << cell(j["source"]) << ','
                      << cell(j["baseline_hr_bpm"]) << ',' << cell(j["peak_hr_bpm"]) << ','
                      << cell(j["peak_s"]) << ',' << cell(j["rise_bpm"]) << ','
                      << cell(hr.is_null() ? none : hr["t50_s"]) << ','
                      << cell(hr.is_null() ? none : hr["t90_s"]) << ','
                      << cell(hr.is_null() ? none : hr["tau_s"]) << ','
                      << cell(hr.is_null() ? none : hr["level_bpm"]) << ','
                      << cell(hr.is_null() ? none : hr["r2"]) << ','
                      << cell(j["hr_recovery_reason"]) << ','
                      << cell(rm.is_null() ? none : rm["t50_s"]) << ','
                      << cell(j["back_to_baseline_s"]) << ',' << (j["censored"] ? "true" : "false")
                      << ',' << cell(j["journal"].is_null() ? none : j["journal"]["what"]) << '\n';
        }
        return 0;
    }
    if (all.empty()) {
        std::cout << "No episodes yet: mark a trigger (T) in a session, or record through one.\n";
        return 0;
    }
    std::printf("%-16s %7s %8s %-8s %9s %9s %10s %11s  %s\n", "when", "session", "onset", "source",
                "rise", "t50", "back in", "", "note");
    for (const Json& j : all) {
        const std::string when = j["session_started_at"].get<std::string>().substr(0, 16);
        const Json& hr = j["hr_recovery"];
        std::string t50 = hr.is_null() ? "--" : clock_text(hr["t50_s"].get<double>());
        std::string back = j["back_to_baseline_s"].is_null()
                               ? "--"
                               : clock_text(j["back_to_baseline_s"].get<double>());
        std::printf("%-16s %7lld %8s %-8s %5.0f bpm %9s %10s %11s  %s\n", when.c_str(),
                    static_cast<long long>(j["session"].get<std::int64_t>()),
                    clock_text(j["onset_s"].get<double>()).c_str(),
                    j["source"].get<std::string>().c_str(),
                    j["rise_bpm"].is_null() ? 0.0 : j["rise_bpm"].get<double>(), t50.c_str(),
                    back.c_str(), j["censored"].get<bool>() ? "(cut short)" : "",
                    j["journal"].is_null() ? "" : j["journal"]["what"].get<std::string>().c_str());
    }
    return 0;
}

int progress(const HistoryOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "progress");
    Database& db = store->db();
    const Client client = client_of(db, o.client);
    const auto [from, to] = date_range(o);
    const recovery::Progress p = recovery::progress(session_days(db, client, from, to));
    if (o.format == "json") {
        Json j;
        j["client"] = client.name;
        j["from"] = p.from.empty() ? Json() : Json(p.from);
        j["to"] = p.to.empty() ? Json() : Json(p.to);
        j["sessions"] = p.sessions;
        j["episodes"] = p.episodes;
        j["weeks"] = Json::array();
        for (const recovery::Week& w : p.weeks)
            j["weeks"].push_back({{"week_start", w.week_start},
                                  {"sessions", w.sessions},
                                  {"practice_min", w.practice_min},
                                  {"episodes", w.episodes},
                                  {"median_t50_s", json_or_null(w.median_t50_s)},
                                  {"resting_rmssd_ms", json_or_null(w.resting_rmssd_ms)},
                                  {"resting_hr_bpm", json_or_null(w.resting_hr_bpm)},
                                  {"coherence_high_min", w.coherence_high_min}});
        if (p.trend) {
            j["recovery_trend"] = {{"t50_change_pct_per_30d", p.trend->change_pct_per_30d},
                                   {"ci95_pct", {p.trend->ci_low_pct, p.trend->ci_high_pct}},
                                   {"episodes_used", p.trend->episodes_used}};
            j["recovery_trend_reason"] = nullptr;
        } else {
            j["recovery_trend"] = nullptr;
            j["recovery_trend_reason"] = p.trend_reason;
        }
        if (p.resting)
            j["resting"] = {{"ln_rmssd_7d_mean", p.resting->ln_rmssd_7d_mean},
                            {"band_60d", {p.resting->band_low, p.resting->band_high}}};
        else
            j["resting"] = nullptr;
        round_numbers(j);
        std::cout << j.dump(1) << "\n";
        return 0;
    }
    if (p.sessions == 0) {
        std::cout << "No sessions for " << client.name << " in this range yet.\n";
        return 0;
    }
    std::cout << "Progress of " << client.name << ", " << p.from << " to " << p.to << ": "
              << p.sessions << " sessions, " << p.episodes << " episodes\n";
    std::printf("  %-10s %8s %9s %8s %10s %12s %10s\n", "week of", "sessions", "practice",
                "episodes", "median t50", "resting HRV", "coherence");
    for (const recovery::Week& w : p.weeks)
        std::printf("  %-10s %8d %5.0f min %8d %10s %12s %6.0f min\n", w.week_start.c_str(),
                    w.sessions, w.practice_min, w.episodes,
                    w.median_t50_s ? clock_text(*w.median_t50_s).c_str() : "--",
                    opt_text(w.resting_rmssd_ms, "%.0f ms").c_str(), w.coherence_high_min);
    if (p.trend) {
        const auto& t = *p.trend;
        std::printf(
            "Over these %d episodes your half-recovery time %s %.0f %% per month "
            "(95 %% interval %.0f %% to %.0f %%).\n",
            t.episodes_used, t.change_pct_per_30d < 0 ? "fell" : "rose",
            std::abs(t.change_pct_per_30d), t.ci_low_pct, t.ci_high_pct);
    } else {
        std::cout << "No trend yet: " << p.trend_reason << ".\n";
    }
    if (p.resting)
        std::printf(
            "Resting ln RMSSD, 7-day mean %.2f; your usual 60-day band %.2f-%.2f "
            "(HRV4Training's convention: mean +- 0.75 SD).\n",
            p.resting->ln_rmssd_7d_mean, p.resting->band_low, p.resting->band_high);
    return 0;
}

// 64-bit FNV-1a of a file's bytes, as 16 hex digits: recognises the same file imported again.
std::string content_hash(const std::string& bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (const unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// A local "YYYY-MM-DDTHH:MM[:SS]" as UTC ISO 8601.
std::string at_to_utc(const std::string& at) {
    std::tm tm{};
    const char* end = strptime(at.c_str(), "%Y-%m-%dT%H:%M", &tm);
    if (end && *end == ':') end = strptime(end + 1, "%S", &tm);
    if (!end || *end) throw UsageError("--at \"" + at + "\": expected YYYY-MM-DDTHH:MM[:SS]");
    tm.tm_isdst = -1;
    return utc_iso(std::mktime(&tm));
}

int import(const HistoryOptions& o) {
    const auto store = open_store(o.db, Database::Open::create, "import");
    Database& db = store->db();
    const Client client = client_of(db, o.client);
    const std::string at = o.at.empty() ? "" : at_to_utc(o.at);
    int status = 0;
    for (const std::string& file : o.files) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) {
            std::cerr << "steady import: " << file << ": cannot read the file\n";
            status = std::max(status, 2);
            continue;
        }
        const std::string bytes = text.str();
        ImportedSession s;
        s.source_hash = content_hash(bytes);
        s.sensor = "import:" + std::filesystem::path(file).filename().string();
        std::string own_start;
        try {
            // A file that opens with '{' is Steady's JSON export: a broken one is said to be
            // that (where it breaks), not read as RR lines.
            const auto first = bytes.find_first_not_of(" \t\r\n");
            const bool json_export = first != std::string::npos && bytes[first] == '{';
            const nlohmann::json j = json_export ? nlohmann::json::parse(bytes) : nlohmann::json();
            if (json_export) {
                // Steady's own JSON export: its beats with their flags, and its events.
                for (const auto& b : j.at("beats"))
                    s.beats.push_back({b.at("t_s").get<double>(), b.at("rr_ms").get<double>(),
                                       b.at("flags").get<std::uint32_t>()});
                for (const auto& e : j.at("events"))
                    s.events.push_back(event_from_fields(e.at("t_s").get<double>(),
                                                         e.at("kind").get<std::string>(), e));
                s.duration_s = j.at("session").at("duration_s").get<double>();
                own_start = j.at("session").value("started_at", "");
            } else {
                const io::RrRecording rec = io::read_rr_file(file);
                AnalysedRecording a = analyse_recording(rec.rr_ms, rec.t_s);
                s.beats = std::move(a.beats);
                s.events = std::move(a.events);
                s.duration_s = a.duration_s;
            }
        } catch (const io::InputError& e) {
            std::cerr << "steady import: " << e.what() << "\n";
            status = std::max(status, 2);
            continue;
        } catch (const nlohmann::json::exception& e) {
            std::cerr << "steady import: " << file
                      << ": not a complete Steady JSON export: " << e.what() << "\n";
            status = std::max(status, 2);
            continue;
        }
        s.started_at = !at.empty() ? at : own_start;
        if (s.started_at.empty()) {
            struct stat st {};
            ::stat(file.c_str(), &st);
            s.started_at = utc_iso(st.st_mtime);
            std::cerr << "steady import: " << file
                      << ": no start time of its own; using its modification time "
                      << local_iso(st.st_mtime) << " (--at sets it)\n";
        }
        std::int64_t id = 0;
        try {
            id = db.import_session(client, s);
        } catch (const StoreError& e) {
            std::cerr << "steady import: " << file << ": " << e.what() << "\n";
            status = std::max(status, 1);
            continue;
        }
        const std::size_t episodes = db.episodes(id).size();
        if (o.format == "json") {
            std::cout << Json{{"file", file},
                              {"session", id},
                              {"beats", s.beats.size()},
                              {"episodes", episodes}}
                             .dump()
                      << "\n";
        } else {
            std::cout << file << ": session " << id << ", " << s.beats.size() << " beats, "
                      << episodes << " episode" << (episodes == 1 ? "" : "s") << "\n";
        }
    }
    send_changes(*store, "import");
    return status;
}

void common(CLI::App* cmd, HistoryOptions& o) {
    cmd->add_option("--db", o.db, kDbHelp);
    cmd->add_option("--client", o.client, "Whose sessions (default: the first client)");
}

}  // namespace

void add_recovery_commands(CLI::App& app, int* status) {
    auto o = std::make_shared<HistoryOptions>();
    CLI::App* tr = app.add_subcommand(
        "triggers", "List episodes (marks and detected surges) with their fitted recovery");
    common(tr, *o);
    tr->add_option("--since", o->since, "From this day (YYYY-MM-DD, local time)");
    tr->add_option("--until", o->until, "Up to and including this day (YYYY-MM-DD)");
    tr->add_option("--session", o->session, "Only this session's");
    tr->add_option("--format", o->format, "text (default), json or csv")
        ->check(CLI::IsMember({"text", "json", "csv"}));
    tr->callback([o, status] { *status = guarded("triggers", [&] { return triggers(*o); }); });

    CLI::App* pr = app.add_subcommand(
        "progress", "Recovery, practice and resting HRV by week, with the recovery trend");
    common(pr, *o);
    pr->add_option("--since", o->since, "From this day (YYYY-MM-DD, local time)");
    pr->add_option("--until", o->until, "Up to and including this day (YYYY-MM-DD)");
    pr->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    pr->callback([o, status] { *status = guarded("progress", [&] { return progress(*o); }); });

    CLI::App* im = app.add_subcommand(
        "import",
        "Store past recordings (any file `steady analyze` reads, or Steady's JSON "
        "export) as sessions, with their episodes found and fitted");
    common(im, *o);
    im->add_option("files", o->files, "Files to import")->required();
    im->add_option("--at", o->at,
                   "When the recording started (YYYY-MM-DDTHH:MM[:SS], local time; default: the "
                   "file's own start time, else its modification time)");
    im->add_option("--format", o->format, "text (default) or json (one object per file)")
        ->check(CLI::IsMember({"text", "json"}));
    im->callback([o, status] { *status = guarded("import", [&] { return import(*o); }); });
}

}  // namespace steady::cli
