#include "practice/sync.h"

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "session/iso_time.h"
#include "session/sqlite_util.h"

namespace steady::practice {
namespace {

using Json = nlohmann::json;

constexpr const char* kUniqueViolation = "23505";

// A session's row as both sides keep it; compared as text to know who changed what.
struct SessionRow {
    std::string uuid, client_uuid, started_at, sensor, state;
    double duration_s = 0;
    std::int64_t challenge = 1;
    std::optional<std::string> summary;
    std::int64_t summary_version = 0;
    std::optional<std::string> source_hash;
    std::string host;

    std::string meta() const {
        Json j{{"client", client_uuid},
               {"started_at", started_at},
               {"sensor", sensor},
               {"state", state},
               {"duration_s", duration_s},
               {"challenge", challenge},
               {"summary_version", summary_version},
               {"host", host}};
        j["summary"] = summary ? Json(*summary) : Json();
        j["source_hash"] = source_hash ? Json(*source_hash) : Json();
        return j.dump();
    }
};

struct ClientRow {
    std::string uuid, name, note;
    bool archived = false;
    std::string settings = "{}";
    std::string meta() const {
        return Json{{"name", name}, {"note", note}, {"archived", archived}, {"settings", settings}}
            .dump();
    }
};

std::optional<std::string> opt_text(Statement& q, int col) {
    if (q.null(col)) return std::nullopt;
    return q.text(col);
}

std::optional<std::string> opt_text(const Result& r, int row, int col) {
    if (r.null(row, col)) return std::nullopt;
    return r.text(row, col);
}

void note_contact(sqlite3* db, const Server& server) {
    Statement(db,
              "INSERT INTO sync_servers (practice, server, last_contact) VALUES (?, ?, ?) "
              "ON CONFLICT (practice) DO UPDATE SET server = excluded.server, "
              "last_contact = excluded.last_contact")
        .bind(1, server.practice())
        .bind(2, server.name())
        .bind(3, utc_iso(std::time(nullptr)))
        .run();
}

std::string agreed_client(sqlite3* db, const std::string& practice, std::int64_t id) {
    Statement q(db, "SELECT meta FROM sync_clients WHERE practice = ? AND client_id = ?");
    q.bind(1, practice).bind(2, id);
    return q.row() ? q.text(0) : std::string();
}

void set_agreed_client(sqlite3* db, const std::string& practice, std::int64_t id,
                       const std::string& meta) {
    Statement(db,
              "INSERT INTO sync_clients (practice, client_id, meta) VALUES (?, ?, ?) "
              "ON CONFLICT (practice, client_id) DO UPDATE SET meta = excluded.meta")
        .bind(1, practice)
        .bind(2, id)
        .bind(3, meta)
        .run();
}

struct LocalClient {
    std::int64_t id = 0;
    ClientRow row;
};

std::vector<LocalClient> local_clients(sqlite3* db) {
    std::vector<LocalClient> out;
    Statement q(db, "SELECT id, uuid, name, note, archived, settings FROM clients ORDER BY id");
    while (q.row())
        out.push_back(
            {q.integer(0), {q.text(1), q.text(2), q.text(3), q.integer(4) != 0, q.text(5)}});
    return out;
}

ClientRow server_client(const Result& r, int i) {
    return {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3) == "t", r.text(i, 4)};
}

// Binds uuid, name, note, archived, settings to parameters 1-5.
Statement& bind_client(Statement& q, const ClientRow& c) {
    return q.bind(1, c.uuid)
        .bind(2, c.name)
        .bind(3, c.note)
        .bind(4, std::int64_t{c.archived ? 1 : 0})
        .bind(5, c.settings);
}

void update_local_client(sqlite3* db, std::int64_t id, const ClientRow& c) {
    Statement q(db,
                "UPDATE clients SET uuid = ?, name = ?, note = ?, archived = ?, settings = ? "
                "WHERE id = ?");
    bind_client(q, c).bind(6, id).run();
}

// Sends changed clients; a name the server has under another UUID makes the two one.
void push_clients(sqlite3* db, Server& server, bool track, SyncReport& report) {
    const std::string& practice = server.practice();
    for (const LocalClient& c : local_clients(db)) {
        const std::string meta = c.row.meta();
        const std::string agreed = track ? agreed_client(db, practice, c.id) : std::string();
        if (track && agreed == meta) continue;
        std::string state;
        try {
            const Result r = server.exec(
                "INSERT INTO clients (uuid, name, note, archived, settings) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (uuid) DO UPDATE SET "
                "name = EXCLUDED.name, note = EXCLUDED.note, archived = EXCLUDED.archived, "
                "settings = EXCLUDED.settings, updated_at = now() "
                "WHERE (clients.name, clients.note, clients.archived, clients.settings) IS "
                "DISTINCT FROM (EXCLUDED.name, EXCLUDED.note, EXCLUDED.archived, "
                "EXCLUDED.settings)",
                {c.row.uuid, c.row.name, c.row.note, c.row.archived ? "true" : "false",
                 c.row.settings},
                &state);
            report.sent.clients += r.affected();
            if (track) set_agreed_client(db, practice, c.id, meta);
        } catch (const ServerError&) {
            if (state != kUniqueViolation) throw;
            // The name is the server's under another UUID.
            const Result s = server.exec(
                "SELECT uuid, name, note, archived, settings FROM clients WHERE name = $1",
                {c.row.name});
            const Result mine = server.exec(
                "SELECT uuid, name, note, archived, settings FROM clients WHERE uuid = $1",
                {c.row.uuid});
            if (mine.rows() == 1) {
                // A rename here to a name another client has there: the server's name stays.
                const ClientRow theirs = server_client(mine, 0);
                update_local_client(db, c.id, theirs);
                if (track) set_agreed_client(db, practice, c.id, theirs.meta());
                report.notices.push_back("client \"" + c.row.name +
                                         "\": the server already has another client of that "
                                         "name, so this one keeps its name there, \"" +
                                         theirs.name + "\"");
                continue;
            }
            if (s.rows() != 1) throw;
            // Added here and elsewhere while apart: one client, the server's.
            const ClientRow theirs = server_client(s, 0);
            if (!track) {
                // A copy: its sessions go to the server's client of that name.
                Statement(db, "UPDATE clients SET uuid = ? WHERE id = ?")
                    .bind(1, theirs.uuid)
                    .bind(2, c.id)
                    .run();
                continue;
            }
            update_local_client(db, c.id, theirs);
            set_agreed_client(db, practice, c.id, theirs.meta());
            if (c.row.name != Database::kDefaultClient)
                report.notices.push_back(
                    "client \"" + c.row.name +
                    "\" was added on this workstation and on another while they were apart: "
                    "they are one client now, with the server's note and settings");
        }
    }
}

struct LocalSession {
    std::int64_t id = 0;
    bool remote = false;
    SessionRow row;
    std::int64_t beats = 0, events_rowid = 0;
    std::int64_t sent_beats = 0, sent_events_rowid = 0, events_seq = 0;
    std::string agreed;
    bool has_state = false;
};

std::vector<LocalSession> local_sessions(sqlite3* db, const std::string& practice) {
    std::vector<LocalSession> out;
    Statement q(
        db,
        "SELECT s.id, s.remote, s.uuid, c.uuid, s.started_at, s.sensor, s.state, s.duration_s, "
        "s.challenge, s.summary, s.summary_version, s.source_hash, s.host, "
        "(SELECT COUNT(*) FROM beats b WHERE b.session_id = s.id), "
        "(SELECT COALESCE(MAX(rowid), 0) FROM events e WHERE e.session_id = s.id), "
        "st.beats, st.events_rowid, st.events_seq, st.meta, st.session_id IS NOT NULL "
        "FROM sessions s JOIN clients c ON c.id = s.client_id "
        "LEFT JOIN sync_sessions st ON st.session_id = s.id AND st.practice = ? ORDER BY s.id");
    q.bind(1, practice);
    while (q.row()) {
        LocalSession s;
        s.id = q.integer(0);
        s.remote = q.integer(1) != 0;
        s.row = {q.text(2),    q.text(3),      q.text(4),     q.text(5),       q.text(6), q.real(7),
                 q.integer(8), opt_text(q, 9), q.integer(10), opt_text(q, 11), q.text(12)};
        s.beats = q.integer(13);
        s.events_rowid = q.integer(14);
        s.sent_beats = q.integer(15);
        s.sent_events_rowid = q.integer(16);
        s.events_seq = q.integer(17);
        s.agreed = q.text(18);
        s.has_state = q.integer(19) != 0;
        out.push_back(std::move(s));
    }
    return out;
}

bool pending(const LocalSession& s) {
    return (!s.remote && s.row.meta() != s.agreed) || s.beats > s.sent_beats ||
           s.events_rowid > s.sent_events_rowid;
}

void save_state(sqlite3* db, const std::string& practice, const LocalSession& s) {
    Statement(db,
              "INSERT INTO sync_sessions (practice, session_id, beats, events_rowid, events_seq, "
              "meta) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (practice, session_id) DO UPDATE SET "
              "beats = excluded.beats, events_rowid = excluded.events_rowid, "
              "events_seq = excluded.events_seq, meta = excluded.meta")
        .bind(1, practice)
        .bind(2, s.id)
        .bind(3, s.sent_beats)
        .bind(4, s.sent_events_rowid)
        .bind(5, s.events_seq)
        .bind(6, s.agreed)
        .run();
}

std::vector<Param> session_params(const SessionRow& r) {
    return {r.uuid,
            r.client_uuid,
            r.started_at,
            r.sensor,
            r.state,
            exact_text(r.duration_s),
            std::to_string(r.challenge),
            r.summary,
            std::to_string(r.summary_version),
            r.source_hash,
            r.host};
}

void push_session(sqlite3* db, Server& server, LocalSession& s, const PushOptions& o,
                  SyncReport& report) {
    server.begin();
    try {
        const std::string meta = s.row.meta();
        if (!s.remote && meta != s.agreed) {
            const Result r = server.exec(
                "INSERT INTO sessions (uuid, client_uuid, started_at, sensor, state, duration_s, "
                "challenge, summary, summary_version, source_hash, host) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                "ON CONFLICT (uuid) DO UPDATE SET client_uuid = EXCLUDED.client_uuid, "
                "started_at = EXCLUDED.started_at, sensor = EXCLUDED.sensor, "
                "state = EXCLUDED.state, duration_s = EXCLUDED.duration_s, "
                "challenge = EXCLUDED.challenge, summary = EXCLUDED.summary, "
                "summary_version = EXCLUDED.summary_version, "
                "source_hash = EXCLUDED.source_hash, host = EXCLUDED.host, updated_at = now() "
                "RETURNING (xmax = 0)",
                session_params(s.row));
            if (r.rows() == 1 && r.text(0, 0) == "t") ++report.sent.sessions;
        }
        std::int64_t sent_beats = s.sent_beats;
        if (!s.remote && s.beats > sent_beats) {
            Statement q(db,
                        "SELECT t_s, rr_ms, flags FROM beats WHERE session_id = ? "
                        "ORDER BY rowid LIMIT -1 OFFSET ?");
            q.bind(1, s.id).bind(2, sent_beats);
            std::vector<std::string> idx, t, rr, flags;
            const auto send = [&] {
                if (idx.empty()) return;
                const Result r = server.exec(
                    "INSERT INTO beats (session_uuid, idx, t_s, rr_ms, flags) "
                    "SELECT $1::uuid, u.i, u.t, u.rr, u.f FROM unnest($2::bigint[], "
                    "$3::float8[], $4::float8[], $5::integer[]) AS u(i, t, rr, f) "
                    "ON CONFLICT DO NOTHING",
                    {s.row.uuid, array_literal(idx), array_literal(t), array_literal(rr),
                     array_literal(flags)});
                report.sent.beats += r.affected();
                idx.clear(), t.clear(), rr.clear(), flags.clear();
            };
            std::int64_t i = sent_beats;
            while (q.row()) {
                idx.push_back(std::to_string(i++));
                t.push_back(exact_text(q.real(0)));
                rr.push_back(exact_text(q.real(1)));
                flags.push_back(std::to_string(q.integer(2)));
                if (static_cast<std::int64_t>(idx.size()) >= o.batch_beats) send();
            }
            send();
            sent_beats = i;
        }
        std::int64_t sent_rowid = s.sent_events_rowid;
        if (s.events_rowid > sent_rowid) {
            Statement q(db,
                        "SELECT rowid, uuid, t_s, kind, payload FROM events "
                        "WHERE session_id = ? AND rowid > ? ORDER BY rowid");
            q.bind(1, s.id).bind(2, sent_rowid);
            std::vector<std::string> uuid, t, kind, payload;
            while (q.row()) {
                sent_rowid = q.integer(0);
                uuid.push_back(q.text(1));
                t.push_back(exact_text(q.real(2)));
                kind.push_back(q.text(3));
                payload.push_back(q.text(4));
            }
            if (!uuid.empty()) {
                const Result r = server.exec(
                    "INSERT INTO events (uuid, session_uuid, t_s, kind, payload) "
                    "SELECT u.id, $1::uuid, u.t, u.k, u.p FROM unnest($2::uuid[], $3::float8[], "
                    "$4::text[], $5::text[]) WITH ORDINALITY AS u(id, t, k, p, n) "
                    "ORDER BY u.n ON CONFLICT (uuid) DO NOTHING",
                    {s.row.uuid, array_literal(uuid), array_literal(t), array_literal(kind),
                     array_literal(payload)});
                report.sent.events += r.affected();
            }
        }
        server.commit();
        s.sent_beats = sent_beats;
        s.sent_events_rowid = sent_rowid;
        if (!s.remote) s.agreed = meta;
    } catch (...) {
        server.rollback();
        throw;
    }
    if (o.track) save_state(db, server.practice(), s);
}

}  // namespace

SyncReport push(Database& local, Server& server, const PushOptions& options) {
    SyncReport report;
    sqlite3* db = local.connection();
    if (local.read_only())
        throw StoreError(local.path() + ": write-protected; it cannot note what the server has");
    if (options.track) note_contact(db, server);
    push_clients(db, server, options.track, report);
    const std::string practice = options.track ? server.practice() : std::string("-");
    for (LocalSession& s : local_sessions(db, practice)) {
        if (!options.track) {  // offer everything; the server keeps what it lacks
            s.sent_beats = 0;
            s.sent_events_rowid = 0;
            s.agreed.clear();
            s.remote = false;
        }
        if (!pending(s)) continue;
        push_session(db, server, s, options, report);
    }
    if (options.track)
        for (const LocalSession& s : local_sessions(db, practice))
            if (pending(s)) ++report.pending;
    return report;
}

namespace {

void pull_clients(sqlite3* db, Server& server, bool track, SyncReport& report) {
    const std::string& practice = server.practice();
    const Result r =
        server.exec("SELECT uuid, name, note, archived, settings FROM clients ORDER BY name");
    std::map<std::string, LocalClient> by_uuid;
    std::map<std::string, std::string> uuid_by_name;  // local
    for (LocalClient& c : local_clients(db)) {
        uuid_by_name[c.row.name] = c.row.uuid;
        by_uuid.emplace(c.row.uuid, std::move(c));
    }
    std::set<std::string> on_server;
    for (int i = 0; i < r.rows(); ++i) on_server.insert(r.text(i, 0));
    for (int i = 0; i < r.rows(); ++i) {
        const ClientRow theirs = server_client(r, i);
        auto it = by_uuid.find(theirs.uuid);
        const auto same_name = uuid_by_name.find(theirs.name);
        if (it == by_uuid.end() && same_name != uuid_by_name.end() &&
            on_server.count(same_name->second) == 0) {
            // Added here under the server's name and never sent (a fresh file's "default", or
            // one added in two rooms while apart): one client, the server's.
            LocalClient mine = std::move(by_uuid.at(same_name->second));
            by_uuid.erase(same_name->second);
            update_local_client(db, mine.id, theirs);
            if (track) set_agreed_client(db, practice, mine.id, theirs.meta());
            ++report.received.clients;
            if (mine.row.name != Database::kDefaultClient)
                report.notices.push_back(
                    "client \"" + mine.row.name +
                    "\" was added here and on the server apart: they are one client now, "
                    "with the server's note and settings");
            uuid_by_name[theirs.name] = theirs.uuid;
            continue;
        }
        if (it == by_uuid.end()) {
            try {
                Statement q(db,
                            "INSERT INTO clients (uuid, name, note, archived, settings) "
                            "VALUES (?, ?, ?, ?, ?)");
                bind_client(q, theirs).run();
            } catch (const StoreError&) {
                report.notices.push_back("the server's client \"" + theirs.name +
                                         "\" was not taken: another client here has that name");
                continue;
            }
            ++report.received.clients;
            if (track) {
                Statement q(db, "SELECT id FROM clients WHERE uuid = ?");
                q.bind(1, theirs.uuid);
                if (q.row()) set_agreed_client(db, practice, q.integer(0), theirs.meta());
            }
            continue;
        }
        const LocalClient& mine = it->second;
        const std::string agreed = track ? agreed_client(db, practice, mine.id) : std::string();
        const std::string server_meta = theirs.meta(), local_meta = mine.row.meta();
        if (server_meta == local_meta) {
            if (track && agreed != server_meta)
                set_agreed_client(db, practice, mine.id, server_meta);
            continue;
        }
        // Changed there and not here: taken. Changed here too: this side's is sent next time.
        if (!track || local_meta == agreed) {
            try {
                update_local_client(db, mine.id, theirs);
            } catch (const StoreError&) {
                report.notices.push_back("the server renamed client \"" + mine.row.name +
                                         "\" to \"" + theirs.name +
                                         "\", a name another client here has; kept as it is");
                continue;
            }
            ++report.received.clients;
            if (track) set_agreed_client(db, practice, mine.id, server_meta);
        }
    }
}

std::int64_t local_client_id(sqlite3* db, const std::string& uuid) {
    Statement q(db, "SELECT id FROM clients WHERE uuid = ?");
    q.bind(1, uuid);
    return q.row() ? q.integer(0) : 0;
}

}  // namespace

SyncReport pull(Database& local, Server& server, const PullOptions& options) {
    SyncReport report;
    sqlite3* db = local.connection();
    if (local.read_only()) throw StoreError(local.path() + ": write-protected; nothing received");
    if (options.track) note_contact(db, server);
    pull_clients(db, server, options.track, report);
    const std::string practice = options.track ? server.practice() : std::string("-");
    std::map<std::string, LocalSession> mine;
    for (LocalSession& s : local_sessions(db, practice)) mine.emplace(s.row.uuid, std::move(s));

    const Result r = server.exec(
        "SELECT s.uuid, s.client_uuid, s.started_at, s.sensor, s.state, s.duration_s, "
        "s.challenge, s.summary, s.summary_version, s.source_hash, s.host, "
        "(SELECT COALESCE(MAX(idx) + 1, 0) FROM beats b WHERE b.session_uuid = s.uuid), "
        "(SELECT COALESCE(MAX(seq), 0) FROM events e WHERE e.session_uuid = s.uuid) "
        "FROM sessions s ORDER BY s.started_at, s.uuid");
    for (int i = 0; i < r.rows(); ++i) {
        const SessionRow theirs{r.text(i, 0),      r.text(i, 1),      r.text(i, 2),
                                r.text(i, 3),      r.text(i, 4),      r.real(i, 5),
                                r.integer(i, 6),   opt_text(r, i, 7), r.integer(i, 8),
                                opt_text(r, i, 9), r.text(i, 10)};
        const std::int64_t server_beats = r.integer(i, 11), server_seq = r.integer(i, 12);
        const auto it = mine.find(theirs.uuid);
        LocalSession s;
        const bool known = it != mine.end();
        if (known) s = it->second;
        const bool ours = known && !s.remote;
        const bool meta_changed = !ours && (!known || theirs.meta() != s.agreed);
        const bool more_beats = !ours && server_beats > s.beats;
        const bool more_events = server_seq > s.events_seq;
        if (known && !meta_changed && !more_beats && !more_events) continue;

        exec_waiting(db, "BEGIN IMMEDIATE");
        try {
            if (!known) {
                const std::int64_t client = local_client_id(db, theirs.client_uuid);
                if (client == 0) {
                    exec(db, "ROLLBACK");
                    report.notices.push_back("session " + theirs.uuid +
                                             ": its client is not on the server; skipped");
                    continue;
                }
                std::optional<std::string> hash = theirs.source_hash;
                if (hash) {
                    Statement q(db, "SELECT id FROM sessions WHERE source_hash = ?");
                    q.bind(1, *hash);
                    if (q.row()) {
                        report.notices.push_back("session " + theirs.uuid +
                                                 " was imported from the same file as "
                                                 "session " +
                                                 std::to_string(q.integer(0)) +
                                                 " here; both are kept");
                        hash.reset();
                    }
                }
                Statement ins(db,
                              "INSERT INTO sessions (uuid, remote, client_id, started_at, "
                              "sensor, state, duration_s, challenge, summary, summary_version, "
                              "source_hash, host, pid) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)");
                ins.bind(1, theirs.uuid)
                    .bind(2, std::int64_t{options.track ? 1 : 0})
                    .bind(3, client)
                    .bind(4, theirs.started_at)
                    .bind(5, theirs.sensor)
                    .bind(6, theirs.state)
                    .bind(7, theirs.duration_s)
                    .bind(8, theirs.challenge);
                if (theirs.summary) ins.bind(9, *theirs.summary);
                ins.bind(10, theirs.summary_version);
                if (hash) ins.bind(11, *hash);
                ins.bind(12, theirs.host);
                ins.run();
                s.id = sqlite3_last_insert_rowid(db);
                s.remote = options.track;
                s.row = theirs;
                ++report.received.sessions;
            } else if (meta_changed) {
                Statement up(db,
                             "UPDATE sessions SET client_id = COALESCE(NULLIF(?, 0), client_id), "
                             "started_at = ?, sensor = ?, state = ?, duration_s = ?, "
                             "challenge = ?, summary = ?, summary_version = ?, host = ?, "
                             "episodes_version = 0 WHERE id = ?");
                up.bind(1, local_client_id(db, theirs.client_uuid))
                    .bind(2, theirs.started_at)
                    .bind(3, theirs.sensor)
                    .bind(4, theirs.state)
                    .bind(5, theirs.duration_s)
                    .bind(6, theirs.challenge);
                if (theirs.summary) up.bind(7, *theirs.summary);
                up.bind(8, theirs.summary_version).bind(9, theirs.host).bind(10, s.id).run();
            }
            if (!ours && server_beats > s.beats) {
                const Result b = server.exec(
                    "SELECT t_s, rr_ms, flags FROM beats WHERE session_uuid = $1 AND idx >= $2 "
                    "ORDER BY idx",
                    {theirs.uuid, std::to_string(s.beats)});
                Statement ins(db,
                              "INSERT INTO beats (session_id, t_s, rr_ms, flags) "
                              "VALUES (?, ?, ?, ?)");
                for (int k = 0; k < b.rows(); ++k)
                    ins.bind(1, s.id)
                        .bind(2, b.real(k, 0))
                        .bind(3, b.real(k, 1))
                        .bind(4, b.integer(k, 2))
                        .run();
                report.received.beats += b.rows();
                s.beats += b.rows();
                Statement(db, "UPDATE sessions SET episodes_version = 0 WHERE id = ?")
                    .bind(1, s.id)
                    .run();
            }
            const bool nothing_local_pending = s.sent_events_rowid >= s.events_rowid;
            if (more_events) {
                const Result e = server.exec(
                    "SELECT uuid, t_s, kind, payload, seq FROM events WHERE session_uuid = $1 "
                    "AND seq > $2 ORDER BY seq",
                    {theirs.uuid, std::to_string(s.events_seq)});
                Statement ins(db,
                              "INSERT OR IGNORE INTO events (session_id, t_s, kind, payload, "
                              "uuid) VALUES (?, ?, ?, ?, ?)");
                std::int64_t added = 0;
                for (int k = 0; k < e.rows(); ++k) {
                    ins.bind(1, s.id)
                        .bind(2, e.real(k, 1))
                        .bind(3, e.text(k, 2))
                        .bind(4, e.text(k, 3))
                        .bind(5, e.text(k, 0))
                        .run();
                    added += sqlite3_changes(db);
                    s.events_seq = e.integer(k, 4);
                }
                report.received.events += added;
                if (added > 0)
                    Statement(db,
                              "UPDATE sessions SET episodes_version = 0, summary_version = "
                              "CASE WHEN remote = 0 THEN 0 ELSE summary_version END WHERE id = ?")
                        .bind(1, s.id)
                        .run();
            }
            if (options.track) {
                if (!ours) {
                    s.agreed = theirs.meta();
                    s.sent_beats = s.beats;
                }
                if (nothing_local_pending) {
                    Statement q(db,
                                "SELECT COALESCE(MAX(rowid), 0) FROM events WHERE session_id = ?");
                    q.bind(1, s.id);
                    q.row();
                    s.sent_events_rowid = q.integer(0);
                }
                save_state(db, practice, s);
            }
            exec(db, "COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
    return report;
}

std::optional<std::string> known_practice(Database& local, const std::string& server_name) {
    if (local.schema_version() < 6) return std::nullopt;
    Statement q(local.connection(),
                "SELECT practice FROM sync_servers WHERE server = ? ORDER BY last_contact DESC");
    q.bind(1, server_name);
    if (q.row()) return q.text(0);
    return std::nullopt;
}

std::set<std::int64_t> unsynced(Database& local, const std::optional<std::string>& practice) {
    std::set<std::int64_t> out;
    if (local.schema_version() < 6) {
        for (const StoredSession& s : local.list(std::nullopt, false)) out.insert(s.id);
        return out;
    }
    for (const LocalSession& s : local_sessions(local.connection(), practice.value_or("")))
        if (!practice || pending(s)) out.insert(s.id);
    return out;
}

}  // namespace steady::practice
