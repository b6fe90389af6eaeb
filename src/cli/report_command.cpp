// `steady report`: a PDF for a clinician to hand over. One session (`steady report ID`), or a
// client's trend across sessions (`steady report --client NAME [--since DATE]`).
#include <chrono>
#include <iostream>

#include "cli/command_errors.h"
#include "cli/live_commands.h"
#include "cli/store_access.h"
#include "export/pdf_report.h"
#include "recovery/progress.h"
#include "session/history.h"
#include "session/iso_time.h"
#include "session/store.h"

namespace steady::cli {
namespace {

struct ReportOptions {
    std::string session;  // id, UUID or UUID prefix
    std::string client;
    std::string since;
    std::string output;
    std::string paper;  // a4, letter, or empty: the locale's
    std::string db;
    bool force = false;
};

exporting::Paper paper_of(const ReportOptions& o) {
    if (o.paper == "a4") return exporting::Paper::a4;
    if (o.paper == "letter") return exporting::Paper::letter;
    return exporting::paper_from_locale();
}

std::string protocol_of(const std::vector<Event>& events) {
    for (const Event& e : events)
        if (const auto* p = e.as<ProtocolEvent>()) return p->name;
    return {};
}

int write_report(const ReportOptions& o) {
    if (o.session.empty() && o.client.empty())
        throw UsageError("give a session id (steady sessions lists them) or --client NAME");
    if (!o.session.empty() && !o.client.empty())
        throw UsageError("give a session id or --client NAME, not both");
    if (o.session.empty() && !o.since.empty() && !recovery::parse_local_date(o.since))
        throw UsageError("--since \"" + o.since + "\": expected a date as YYYY-MM-DD");
    if (!o.since.empty() && !o.session.empty()) throw UsageError("--since goes with --client");
    const auto store = open_store(o.db, Database::Open::existing, "report");
    Database& db = store->db();
    const std::int64_t id = o.session.empty() ? 0 : db.resolve(o.session);
    const auto t0 = std::chrono::steady_clock::now();
    std::string file = o.output;
    int pages = 0;
    try {
        if (id != 0) {
            exporting::SessionReportInput in;
            SessionRecord r = db.load(id);
            in.session = r.session;
            in.summary = db.summary(id);
            in.episodes = db.episodes(id);
            in.beats = std::move(r.beats);
            in.events = std::move(r.events);
            in.protocol = protocol_of(in.events);
            if (file.empty())
                file = "steady-report-" + std::to_string(id) + "-" +
                       in.session.started_at.substr(0, 10) + ".pdf";
            pages = exporting::write_session_report(in, file, paper_of(o), o.force);
        } else {
            const Client client = db.client(o.client);
            exporting::TrendReportInput in;
            in.client = client.name;
            in.since = o.since;
            const std::optional<std::time_t> from =
                o.since.empty() ? std::nullopt : recovery::parse_local_date(o.since);
            for (const StoredSession& s : db.list(client.name, false)) {
                if (s.state == "recording") continue;
                if (from && parse_utc_iso(s.started_at) < *from) continue;
                in.sessions.push_back({s, db.summary(s.id)});
            }
            in.days = session_days(db, client, from);
            if (file.empty()) file = "steady-trend-" + client.name + ".pdf";
            pages = exporting::write_trend_report(in, file, paper_of(o), o.force);
        }
    } catch (const exporting::ExportError& e) {
        exporting::release_font_caches();
        std::cerr << "steady report: " << e.what() << "\n";
        return 1;
    }
    exporting::release_font_caches();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "steady report: " << file << " (" << pages << (pages == 1 ? " page" : " pages")
              << ", " << exporting::to_string(paper_of(o)) << ", " << static_cast<long>(ms)
              << " ms)\n";
    return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int* status) {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "report", "Write a PDF report of one session, or of a client's sessions over time");
    cmd->add_option("session", o->session,
                    "Session: its id (from `steady sessions`), UUID, or the UUID's first 8+ hex "
                    "digits");
    cmd->add_option("--client", o->client,
                    "A trend report of this client's sessions instead of one session");
    cmd->add_option("--since", o->since, "With --client: sessions from this date (YYYY-MM-DD)");
    cmd->add_option("-o,--output", o->output,
                    "PDF file (0600; default steady-report-ID-DATE.pdf, or "
                    "steady-trend-CLIENT.pdf, in this folder); an existing file is refused "
                    "unless --force");
    cmd->add_option("--paper", o->paper, "a4 or letter (default: the locale's LC_PAPER, else a4)")
        ->check(CLI::IsMember({"a4", "letter"}));
    cmd->add_option("--db", o->db, kDbHelp);
    cmd->add_flag("--force", o->force, "Replace an existing output file");
    cmd->callback([o, status] { *status = guarded("report", [&] { return write_report(*o); }); });
}

}  // namespace steady::cli
