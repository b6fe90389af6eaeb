#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/live_commands.h"
#include "cli/number_text.h"
#include "session/store.h"

namespace steady::cli {
namespace {

struct SessionsOptions {
    std::string db;
    std::int64_t export_id = 0;
    std::string format = "csv";
    std::string output;
};

// rr: one RR interval per line in ms, the plain layout Kubios HRV and `steady analyze` read.
// Every delivered interval is written, suspected artifacts included (Kubios corrects them
// itself); a gap cannot be expressed in this layout, so csv or json keep them.
void write_export(std::ostream& out, const SessionData& d, const std::string& format) {
    if (format == "csv") {
        out << "t_s,rr_ms,flags\n";
        for (const PlacedBeat& b : d.beats)
            out << exact(b.t_s) << ',' << exact(b.rr_ms) << ',' << b.flags << '\n';
    } else if (format == "rr") {
        for (const PlacedBeat& b : d.beats) out << exact(b.rr_ms) << '\n';
    } else {
        nlohmann::ordered_json j;
        const SessionSummary& s = d.summary;
        j["session"] = {{"id", s.id},
                        {"started_at", s.started_at},
                        {"sensor", s.sensor},
                        {"state", s.state},
                        {"duration_s", s.duration_s},
                        {"beats", s.beats},
                        {"artifacts", s.artifacts}};
        j["beats"] = nlohmann::ordered_json::array();
        for (const PlacedBeat& b : d.beats)
            j["beats"].push_back({{"t_s", b.t_s}, {"rr_ms", b.rr_ms}, {"flags", b.flags}});
        j["events"] = nlohmann::ordered_json::array();
        for (const EngineEvent& e : d.events) {
            nlohmann::ordered_json payload = nlohmann::ordered_json::object();
            try {
                payload = nlohmann::ordered_json::parse(e.payload);
            } catch (const nlohmann::json::exception&) {
                payload = {{"text", e.payload}};
            }
            j["events"].push_back({{"t_s", e.t_s}, {"kind", e.kind}, {"payload", payload}});
        }
        out << j.dump(1) << '\n';
    }
}

int run(const SessionsOptions& o, bool exporting) {
    try {
        SessionStore store(o.db.empty() ? SessionStore::default_path() : o.db);
        if (!exporting) {
            const auto sessions = store.list();
            if (sessions.empty()) {
                std::cout << "No sessions in " << store.path()
                          << " yet: `steady record` makes one.\n";
                return 0;
            }
            std::printf("%5s  %-20s  %-12s  %9s  %7s  %9s  %s\n", "id", "started (UTC)", "state",
                        "duration", "beats", "artifacts", "sensor");
            for (const SessionSummary& s : sessions) {
                std::printf("%5lld  %-20s  %-12s  %7.0f s  %7lld  %9lld  %s\n",
                            static_cast<long long>(s.id), s.started_at.c_str(), s.state.c_str(),
                            s.duration_s, static_cast<long long>(s.beats),
                            static_cast<long long>(s.artifacts), s.sensor.c_str());
            }
            return 0;
        }
        const SessionData d = store.load(o.export_id);
        if (o.output.empty() || o.output == "-") {
            write_export(std::cout, d, o.format);
            return 0;
        }
        // Write beside the target and rename, so a failed export never leaves half a file.
        const std::string tmp = o.output + ".part";
        {
            std::ofstream f(tmp);
            write_export(f, d, o.format);
            f.flush();
            if (!f) {
                std::remove(tmp.c_str());
                std::cerr << "steady sessions export: " << o.output
                          << ": write failed (disk full?)\n";
                return 1;
            }
        }
        if (std::rename(tmp.c_str(), o.output.c_str()) != 0) {
            std::remove(tmp.c_str());
            std::cerr << "steady sessions export: " << o.output << ": cannot create the file\n";
            return 1;
        }
        return 0;
    } catch (const StoreError& e) {
        std::cerr << "steady sessions: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace

void add_sessions_command(CLI::App& app, int* status) {
    auto o = std::make_shared<SessionsOptions>();
    CLI::App* cmd = app.add_subcommand("sessions", "List stored sessions, or export one");
    cmd->add_option("--db", o->db, "Session database (default $XDG_DATA_HOME/steady/steady.db)");
    CLI::App* ex = cmd->add_subcommand("export", "Write one session out");
    ex->add_option("id", o->export_id, "Session id (from `steady sessions`)")->required();
    ex->add_option("--format", o->format, "csv (t_s,rr_ms,flags), rr (Kubios RR text, ms) or json")
        ->check(CLI::IsMember({"csv", "rr", "json"}))
        ->capture_default_str();
    ex->add_option("-o,--output", o->output, "File to write (default: standard output)");
    ex->add_option("--db", o->db, "Session database");
    cmd->callback([o, status, ex] {
        if (ex->parsed()) return;  // the export callback runs instead
        *status = run(*o, false);
    });
    ex->callback([o, status] { *status = run(*o, true); });
}

}  // namespace steady::cli
