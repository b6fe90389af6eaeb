// `steady sessions`: list, show, summarize and export stored sessions. Reading never creates a
// database: a missing path is refused, a write-protected one is read as it is.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>

#include "app/private_file.h"
#include "cli/command_errors.h"
#include "cli/json_out.h"
#include "cli/live_commands.h"
#include "cli/number_text.h"
#include "cli/store_access.h"
#include "export/edf.h"
#include "practice/server.h"
#include "practice/sync.h"
#include "session/event_json.h"
#include "session/store.h"

namespace steady::cli {
namespace {

struct SessionsOptions {
    std::string db;
    std::string client;
    std::string session;   // id, UUID or a prefix of 8+ hex digits
    std::string from, to;  // sessions copy
    std::string format;    // per subcommand default
    std::string output;
    bool force = false;
    bool events = false;  // csv: the events as rows too
};

// rr: one RR interval per line in ms, the plain layout Kubios HRV and `steady analyze` read.
// Every delivered interval is written, suspected artifacts included (Kubios corrects them
// itself); a gap cannot be expressed in this layout, so csv or json keep them.
// csv --events: beats and events as rows of one file in time order (a beat before an event at
// the same time); `detail` is the event's fields as JSON, quoted for CSV.
void write_csv_with_events(std::ostream& out, const SessionRecord& d) {
    out << "kind,t_s,rr_ms,flags,detail\n";
    const auto csv_quoted = [](const std::string& v) {
        std::string q = "\"";
        for (const char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    std::size_t e = 0;
    for (std::size_t b = 0; b <= d.beats.size(); ++b) {
        const double until =
            b < d.beats.size() ? d.beats[b].t_s : std::numeric_limits<double>::infinity();
        for (; e < d.events.size() && d.events[e].t_s < until; ++e)
            out << kind_of(d.events[e]) << ',' << exact(d.events[e].t_s) << ",,,"
                << csv_quoted(event_fields(d.events[e]).dump()) << '\n';
        if (b < d.beats.size())
            out << "beat," << exact(d.beats[b].t_s) << ',' << exact(d.beats[b].rr_ms) << ','
                << d.beats[b].flags << ",\n";
    }
}

void write_export(std::ostream& out, const SessionRecord& d, const std::string& format,
                  bool events) {
    if (format == "csv" && events) {
        write_csv_with_events(out, d);
    } else if (format == "csv") {
        out << "t_s,rr_ms,flags\n";
        for (const PlacedBeat& b : d.beats)
            out << exact(b.t_s) << ',' << exact(b.rr_ms) << ',' << b.flags << '\n';
    } else if (format == "rr") {
        for (const PlacedBeat& b : d.beats) out << exact(b.rr_ms) << '\n';
    } else {
        nlohmann::ordered_json j;
        const StoredSession& s = d.session;
        j["session"] = {{"id", s.id},
                        {"uuid", s.uuid},
                        {"client", s.client},
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
        for (const Event& e : d.events) j["events"].push_back(event_object(e));
        out << j.dump(1) << '\n';
    }
}

int list(const SessionsOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "sessions");
    Database& db = store->db();
    const auto sessions =
        db.list(o.client.empty() ? std::nullopt : std::optional<std::string>(o.client));
    // With a practice's server: which sessions it does not wholly have yet.
    const bool server = store->target().server.has_value();
    const std::set<std::int64_t> waiting =
        server ? practice::unsynced(db, store->practice()) : std::set<std::int64_t>{};
    if (o.format == "json") {
        nlohmann::ordered_json j = nlohmann::ordered_json::array();
        for (const StoredSession& s : sessions) {
            nlohmann::ordered_json row{{"id", s.id},
                                       {"uuid", s.uuid},
                                       {"client", s.client},
                                       {"started_at", s.started_at},
                                       {"state", s.state},
                                       {"sensor", s.sensor},
                                       {"duration_s", s.duration_s},
                                       {"beats", s.beats}};
            if (server) row["synced"] = waiting.count(s.id) == 0;
            j.push_back(std::move(row));
        }
        round_numbers(j);
        std::cout << j.dump(1) << "\n";
        return 0;
    }
    if (sessions.empty()) {
        std::cout << "No sessions in " << db.path() << (o.client.empty() ? "" : " for " + o.client)
                  << " yet: `steady record` makes one.\n";
        return 0;
    }
    std::printf("%5s  %-8s  %-12s  %-20s  %-12s  %9s  %7s  %9s  %s%s\n", "id", "uuid", "client",
                "started (UTC)", "state", "duration", "beats", "artifacts",
                server ? "server   " : "", "sensor");
    for (const StoredSession& s : sessions) {
        const std::string on_server = !server               ? ""
                                      : waiting.count(s.id) ? "waiting  "
                                                            : "sent     ";
        std::printf("%5lld  %-8s  %-12s  %-20s  %-12s  %9s  %7lld  %9lld  %s%s\n",
                    static_cast<long long>(s.id), s.uuid.substr(0, 8).c_str(), s.client.c_str(),
                    s.started_at.c_str(), s.state.c_str(), clock_text(s.duration_s).c_str(),
                    static_cast<long long>(s.beats), static_cast<long long>(s.artifacts),
                    on_server.c_str(), s.sensor.c_str());
    }
    if (server && !waiting.empty())
        std::cout << waiting.size() << " session" << (waiting.size() == 1 ? " is" : "s are")
                  << " not yet wholly on the server: `steady sync` sends them.\n";
    return 0;
}

int show(const SessionsOptions& o, bool recompute) {
    const auto store = open_store(o.db, Database::Open::existing, "sessions");
    Database& db = store->db();
    const std::int64_t id = db.resolve(o.session);
    if (recompute && db.read_only())
        std::cerr << "steady sessions summarize: " << db.path()
                  << " is write-protected: the summary is computed, not stored\n";
    const SessionSummary summary = db.summary(id, recompute);
    const SessionRecord d = db.load(id);
    if (o.format == "json")
        std::cout << session_json(d.session, summary, d.events).dump(1) << "\n";
    else
        std::cout << session_text(d.session, summary, d.events);
    return 0;
}

// steady-session-ID-DATE.edf in the current folder.
std::string default_edf_name(const SessionRecord& d) {
    return "steady-session-" + std::to_string(d.session.id) + "-" +
           d.session.started_at.substr(0, 10) + ".edf";
}

int export_session(const SessionsOptions& o) {
    if (o.events && o.format != "csv")
        throw UsageError("--events adds the events to the csv format; give --format csv");
    const auto store = open_store(o.db, Database::Open::existing, "sessions");
    Database& db = store->db();
    const SessionRecord d = db.load(db.resolve(o.session));
    if (o.format == "edf") {
        if (o.output == "-") throw UsageError("an EDF+ file is binary: give -o FILE");
        const std::string file = o.output.empty() ? default_edf_name(d) : o.output;
        try {
            exporting::write_edf(d, file, o.force);
        } catch (const exporting::ExportError& e) {
            std::cerr << "steady sessions export: " << e.what() << "\n";
            return 1;
        }
        std::cerr << "steady sessions export: session " << d.session.id << " written to " << file
                  << " (EDF+, " << exporting::kEdfRateHz << " Hz)\n";
        return 0;
    }
    if (o.output.empty() || o.output == "-") {
        write_export(std::cout, d, o.format, o.events);
        return 0;
    }
    // A private file (0600, never through a symlink), written whole or not at all, and never
    // over an existing file unless --force.
    std::ostringstream text;
    write_export(text, d, o.format, o.events);
    try {
        write_private_file(o.output, text.str(), o.force);
    } catch (const PrivateFileError& e) {
        std::cerr << "steady sessions export: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

// One side of a copy: a server, or a SQLite file.
std::string side_text(const std::string& spec) {
    return practice::is_server(spec) ? "server " + practice::redacted(spec) : spec;
}

int copy(const SessionsOptions& o) {
    const bool from_server = practice::is_server(o.from), to_server = practice::is_server(o.to);
    if (from_server == to_server)
        throw UsageError(
            "one side of a copy is a practice's server (postgresql://...) and the "
            "other a session database file");
    practice::SyncReport report;
    if (to_server) {
        Database source(o.from, Database::Open::existing);
        say_notices(source, "sessions copy");
        if (source.read_only())
            throw StoreError(o.from +
                             ": write-protected; a copy needs its UUIDs, which an "
                             "older file gets when Steady may write it");
        practice::Server server(o.to);
        report = practice::push(source, server, {.track = false});
    } else {
        practice::Server server(o.from);
        Database target(o.to, Database::Open::create);
        say_notices(target, "sessions copy");
        report = practice::pull(target, server, {.track = false});
    }
    for (const std::string& n : report.notices) std::cerr << "steady sessions copy: " << n << "\n";
    const practice::SyncCounts& c = to_server ? report.sent : report.received;
    std::cout << "copied " << side_text(o.from) << " to " << side_text(o.to) << ": " << c.sessions
              << " new sessions, " << c.beats << " new beats, " << c.events << " new events, "
              << c.clients
              << " new or changed clients (what was there already is kept as it "
                 "was)\n";
    return 0;
}

}  // namespace

void add_sessions_command(CLI::App& app, int* status) {
    auto o = std::make_shared<SessionsOptions>();
    const std::string db_help = kDbHelp;
    CLI::App* cmd =
        app.add_subcommand("sessions", "List stored sessions; show, summarize or export one");
    cmd->add_option("--db", o->db, db_help);
    cmd->add_option("--client", o->client, "Only this client's sessions");
    cmd->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));

    const auto id_option = [&](CLI::App* sub) {
        sub->add_option("session", o->session,
                        "Session: its id (from `steady sessions`), UUID, or the UUID's first 8+ "
                        "hex digits")
            ->required();
        sub->add_option("--db", o->db, db_help);
    };
    CLI::App* sh = cmd->add_subcommand("show", "One session's summary, events and journal notes");
    id_option(sh);
    sh->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::App* su = cmd->add_subcommand(
        "summarize",
        "Compute a session's summary again from its beats and events, store it, "
        "and print it as `show` does");
    id_option(su);
    su->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::App* ex = cmd->add_subcommand("export", "Write one session out");
    id_option(ex);
    ex->add_option("--format", o->format,
                   "csv (t_s,rr_ms,flags; default), rr (Kubios RR text, ms), json, or edf "
                   "(EDF+ at 4 Hz: RR interval, heart rate, pacer phase, events as annotations)")
        ->check(CLI::IsMember({"csv", "rr", "json", "edf"}));
    ex->add_flag("--events", o->events,
                 "csv: the events as rows of the same file (kind,t_s,rr_ms,flags,detail)");
    ex->add_option("-o,--output", o->output,
                   "File to write (0600; default: standard output, and for edf "
                   "steady-session-ID-DATE.edf); an existing file is refused unless --force");
    ex->add_flag("--force", o->force, "Replace an existing --output file");

    CLI::App* cp = cmd->add_subcommand(
        "copy",
        "Copy a whole session database to a practice's server, or a server's sessions into a "
        "database file; again, it adds only what is missing");
    cp->add_option("--from", o->from, "A session database file, or a server (postgresql://...)")
        ->required();
    cp->add_option("--to", o->to, "A server (postgresql://...), or a session database file")
        ->required();

    cmd->callback([o, status, sh, su, ex, cp] {
        if (sh->parsed() || su->parsed() || ex->parsed() || cp->parsed())
            return;  // theirs run instead
        *status = guarded("sessions", [&] { return list(*o); });
    });
    sh->callback(
        [o, status] { *status = guarded("sessions show", [&] { return show(*o, false); }); });
    su->callback(
        [o, status] { *status = guarded("sessions summarize", [&] { return show(*o, true); }); });
    cp->callback([o, status] { *status = guarded("sessions copy", [&] { return copy(*o); }); });
    ex->callback([o, status] {
        if (o->format.empty()) o->format = "csv";
        *status = guarded("sessions export", [&] { return export_session(*o); });
    });
}

}  // namespace steady::cli
