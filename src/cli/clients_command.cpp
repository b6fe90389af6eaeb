// `steady clients` (README "Clients"): the people whose sessions a clinician keeps apart, each
// known by a pseudonym, with their own settings; and `steady protocols`, the scripted sessions.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/clock_text.h"
#include "app/config.h"
#include "cli/command_errors.h"
#include "cli/json_out.h"
#include "cli/live_commands.h"
#include "cli/number_text.h"
#include "cli/store_access.h"
#include "protocol/protocol.h"
#include "session/store.h"

namespace steady::cli {
namespace {

using Json = nlohmann::ordered_json;

struct ClientsOptions {
    std::string db;
    std::string name, new_name;
    std::optional<std::string> note;
    std::string format = "text";
    std::optional<std::string> pattern;
    std::optional<int> challenge;
    std::optional<double> resonance_bpm;
    std::optional<double> fast_count_s, slow_count_s;
    bool clear = false;
};

Json client_json(Database& db, const Client& c) {
    Json j;
    j["name"] = c.name;
    j["note"] = c.note;
    j["archived"] = c.archived;
    j["sessions"] = db.session_count(c);
    std::int64_t from = 0;
    if (const auto b = db.stored_baseline(c, std::nullopt, &from))
        j["baseline"] = {{"hr_bpm", b->hr_bpm}, {"rmssd_ms", b->rmssd_ms}, {"session", from}};
    else
        j["baseline"] = nullptr;
    const ClientSettings& s = c.settings;
    j["resonance_bpm"] = s.resonance_bpm ? Json(*s.resonance_bpm) : Json();
    j["pattern"] = s.pattern ? Json(*s.pattern) : Json();
    j["challenge"] = s.challenge ? Json(*s.challenge) : Json();
    j["fast_count_s"] = s.fast_count_s ? Json(*s.fast_count_s) : Json();
    j["slow_count_s"] = s.slow_count_s ? Json(*s.slow_count_s) : Json();
    round_numbers(j);
    return j;
}

int list(const ClientsOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "clients");
    Database& db = store->db();
    const std::vector<Client> all = db.clients(true);
    if (o.format == "json") {
        Json out = Json::array();
        for (const Client& c : all) out.push_back(client_json(db, c));
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-24s %8s  %-22s %s\n", "client", "sessions", "resonance", "note");
    for (const Client& c : all) {
        const std::string rf = c.settings.resonance_bpm
                                   ? exact(*c.settings.resonance_bpm) + " breaths/min"
                                   : "not assessed";
        std::printf("%-24s %8lld  %-22s %s%s\n", c.name.c_str(),
                    static_cast<long long>(db.session_count(c)), rf.c_str(),
                    c.archived ? "(archived) " : "", c.note.c_str());
    }
    return 0;
}

int show(const ClientsOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "clients");
    Database& db = store->db();
    Client c;
    bool found = false;
    for (const Client& x : db.clients(true))
        if (x.name == o.name) c = x, found = true;
    if (!found) db.client(o.name);  // throws with the names known
    const Json j = client_json(db, c);
    if (o.format == "json") {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << "Client " << c.name << (c.archived ? " (archived)" : "") << "\n";
    if (!c.note.empty()) std::cout << "  note                 " << c.note << "\n";
    std::cout << "  sessions             " << j["sessions"].get<std::int64_t>() << "\n";
    if (j["baseline"].is_null())
        std::cout << "  resting baseline     none yet (measured in a session's first 2 minutes "
                     "or a protocol's baseline step)\n";
    else
        std::cout << "  resting baseline     " << exact(j["baseline"]["hr_bpm"].get<double>())
                  << " bpm, RMSSD " << exact(j["baseline"]["rmssd_ms"].get<double>())
                  << " ms (session " << j["baseline"]["session"].get<std::int64_t>() << ")\n";
    const ClientSettings& s = c.settings;
    std::cout << "  resonance rate       "
              << (s.resonance_bpm ? exact(*s.resonance_bpm) + " breaths/min"
                                  : std::string("not assessed (5.5 breaths/min is used)"))
              << "\n";
    std::cout << "  pattern              " << s.pattern.value_or("(the settings file's)") << "\n";
    std::cout << "  challenge level      "
              << (s.challenge ? std::to_string(*s.challenge) : std::string("(the settings file's)"))
              << "\n";
    if (s.fast_count_s || s.slow_count_s)
        std::cout << "  pacer count bounds   "
                  << (s.fast_count_s ? exact(*s.fast_count_s) : std::string("default")) << " - "
                  << (s.slow_count_s ? exact(*s.slow_count_s) : std::string("default")) << " s\n";
    return 0;
}

int add(const ClientsOptions& o) {
    const auto store = open_store(o.db, Database::Open::create, "clients");
    Database& db = store->db();
    const Client c = db.add_client(o.name, o.note.value_or(""));
    send_changes(*store, "clients");
    std::cout << "Added client " << c.name << "\n";
    return 0;
}

int rename(const ClientsOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "clients");
    Database& db = store->db();
    db.rename_client(o.name, o.new_name);
    send_changes(*store, "clients");
    std::cout << "Renamed " << o.name << " to " << o.new_name << "\n";
    return 0;
}

int archive(const ClientsOptions& o) {
    const auto store = open_store(o.db, Database::Open::existing, "clients");
    Database& db = store->db();
    db.archive_client(o.name);
    send_changes(*store, "clients");
    std::cout << "Archived " << o.name << "; their sessions stay readable\n";
    return 0;
}

int set(const ClientsOptions& o) {
    if (o.pattern) {
        Config cfg;
        try {
            cfg = load_config(default_config_path());
        } catch (const ConfigError& e) {
            throw UsageError(e.what());
        }
        if (!pacer::find_pattern(*o.pattern, cfg.pacer.custom))
            throw UsageError("--pattern " + *o.pattern + ": no such pattern (known: " +
                             pacer::pattern_names(cfg.pacer.custom) + ")");
    }
    if (o.fast_count_s && o.slow_count_s && *o.fast_count_s > *o.slow_count_s)
        throw UsageError("--fast-count must not be longer than --slow-count");
    const auto store = open_store(o.db, Database::Open::existing, "clients");
    Database& db = store->db();
    const Client c = db.client(o.name);
    ClientSettings s = o.clear ? ClientSettings{} : c.settings;
    if (o.pattern) s.pattern = *o.pattern;
    if (o.challenge) s.challenge = *o.challenge;
    if (o.resonance_bpm) s.resonance_bpm = *o.resonance_bpm;
    if (o.fast_count_s) s.fast_count_s = *o.fast_count_s;
    if (o.slow_count_s) s.slow_count_s = *o.slow_count_s;
    db.set_client_settings(c, s);
    if (o.note) db.set_client_note(c, *o.note);
    send_changes(*store, "clients");
    return show(o);
}

int protocols_list(bool json) {
    Config cfg = load_config(default_config_path());
    const auto all = protocol::load_protocols(protocol::user_protocol_dir(), cfg.pacer.custom);
    if (json) {
        Json out = Json::array();
        for (const protocol::Protocol& p : all)
            out.push_back({{"name", p.name},
                           {"description", p.description},
                           {"source", p.source},
                           {"duration_s", p.duration_s()},
                           {"steps", p.steps.size()}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    for (const protocol::Protocol& p : all)
        std::printf("%-20s %6s  %2zu steps  %s%s\n", p.name.c_str(),
                    clock_text(p.duration_s()).c_str(), p.steps.size(), p.description.c_str(),
                    p.source == "built-in" ? "" : ("  [" + p.source + "]").c_str());
    std::cout << "Your own: " << protocol::user_protocol_dir() << "/*.toml\n";
    return 0;
}

int protocols_show(const std::string& name) {
    Config cfg = load_config(default_config_path());
    const protocol::Protocol p =
        protocol::find_protocol(name, protocol::user_protocol_dir(), cfg.pacer.custom);
    std::cout << p.name << " (" << clock_text(p.duration_s()) << ", " << p.source << ")\n"
              << "  " << p.description << "\n";
    double t = 0;
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const protocol::Step& s = p.steps[i];
        std::string pacer = "no pacer";
        if (s.pacer) {
            if (s.pacer->pattern)
                pacer = *s.pacer->pattern;
            else if (s.pacer->client_rate)
                pacer = "the client's resonance rate";
            else
                pacer = exact(*s.pacer->rate_bpm) + "/min";
            if (!s.pacer->pattern)
                pacer += " " + exact(s.pacer->ratio[0]) + ":" + exact(s.pacer->ratio[1]);
            if (s.adapt) pacer += ", adapts";
        }
        std::printf("  %2zu  %5s  %-22s %-9s %5s  %s\n", i + 1, clock_text(t).c_str(),
                    s.name.c_str(), protocol::to_string(s.kind), clock_text(s.duration_s).c_str(),
                    pacer.c_str());
        if (!s.client_text.empty()) std::cout << "        client:    " << s.client_text << "\n";
        if (!s.clinician_text.empty())
            std::cout << "        clinician: " << s.clinician_text << "\n";
        t += s.duration_s;
    }
    return 0;
}

int guarded_protocols(const char* what, const std::function<int()>& f) {
    try {
        return f();
    } catch (const protocol::ProtocolError& e) {
        std::cerr << "steady " << what << ": " << e.what() << "\n";
        return 2;
    } catch (const ConfigError& e) {
        std::cerr << "steady " << what << ": " << e.what() << "\n";
        return 2;
    }
}

}  // namespace

void add_clients_command(CLI::App& app, int* status) {
    auto o = std::make_shared<ClientsOptions>();
    const std::string db_help = kDbHelp;
    CLI::App* cmd = app.add_subcommand(
        "clients", "The people whose sessions are kept apart (a pseudonym is enough)");
    cmd->add_option("--db", o->db, db_help);
    cmd->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    const auto with_db = [&](CLI::App* sub) { sub->add_option("--db", o->db, db_help); };

    CLI::App* ls = cmd->add_subcommand("list", "Every client, archived ones marked");
    with_db(ls);
    ls->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::App* ad = cmd->add_subcommand("add", "Add a client");
    with_db(ad);
    ad->add_option("name", o->name, "A pseudonym")->required();
    ad->add_option("--note", o->note, "A short note for the clinician");
    CLI::App* rn = cmd->add_subcommand("rename", "Rename a client (their sessions follow)");
    with_db(rn);
    rn->add_option("old", o->name, "Current name")->required();
    rn->add_option("new", o->new_name, "New name")->required();
    CLI::App* ar =
        cmd->add_subcommand("archive", "Take a client off the lists; their sessions stay");
    with_db(ar);
    ar->add_option("name", o->name, "Client")->required();
    CLI::App* sh = cmd->add_subcommand("show", "A client's baseline, resonance rate and settings");
    with_db(sh);
    sh->add_option("name", o->name, "Client")->required();
    sh->add_option("--format", o->format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
    CLI::App* st = cmd->add_subcommand("set", "Change a client's own settings or note");
    with_db(st);
    st->add_option("name", o->name, "Client")->required();
    st->add_option("--note", o->note, "A short note");
    st->add_option("--pattern", o->pattern, "Their breathing pattern");
    st->add_option("--challenge", o->challenge, "Their coherence challenge level")
        ->check(CLI::Range(1, 4));
    st->add_option("--resonance", o->resonance_bpm,
                   "Their resonance rate in breaths/min (an assessment's `--accept-rf` sets it)")
        ->check(CLI::Range(4.0, 7.0));
    st->add_option("--fast-count", o->fast_count_s, "Shortest pacer count (s) when activated")
        ->check(CLI::Range(0.3, 2.0));
    st->add_option("--slow-count", o->slow_count_s, "Longest pacer count (s) when calm")
        ->check(CLI::Range(0.3, 2.0));
    st->add_flag("--clear", o->clear, "Forget their own settings first (back to the file's)");

    cmd->callback([o, status, ls, ad, rn, ar, sh, st] {
        for (CLI::App* sub : {ls, ad, rn, ar, sh, st})
            if (sub->parsed()) return;
        *status = guarded("clients", [&] { return list(*o); });
    });
    ls->callback([o, status] { *status = guarded("clients list", [&] { return list(*o); }); });
    ad->callback([o, status] { *status = guarded("clients add", [&] { return add(*o); }); });
    rn->callback([o, status] { *status = guarded("clients rename", [&] { return rename(*o); }); });
    ar->callback(
        [o, status] { *status = guarded("clients archive", [&] { return archive(*o); }); });
    sh->callback([o, status] { *status = guarded("clients show", [&] { return show(*o); }); });
    st->callback([o, status] { *status = guarded("clients set", [&] { return set(*o); }); });

    auto name = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* pr = app.add_subcommand("protocols", "The scripted protocols, built-in and yours");
    pr->add_flag("--json", *json, "As JSON");
    CLI::App* ps = pr->add_subcommand("show", "One protocol's steps, texts and pacer");
    ps->add_option("name", *name, "Protocol name or .toml file")->required();
    pr->callback([status, json, ps] {
        if (ps->parsed()) return;
        *status = guarded_protocols("protocols", [&] { return protocols_list(*json); });
    });
    ps->callback([status, name] {
        *status = guarded_protocols("protocols show", [&] { return protocols_show(*name); });
    });
}

}  // namespace steady::cli
