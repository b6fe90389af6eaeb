#include "practice/access.h"

#include "practice/server.h"
#include "practice/sync.h"

namespace steady::practice {
namespace {

std::string counts_text(const SyncCounts& c) {
    std::string s;
    const auto add = [&](std::int64_t n, const char* what) {
        if (n == 0) return;
        s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add(c.sessions, c.sessions == 1 ? "session" : "sessions");
    add(c.beats, c.beats == 1 ? "beat" : "beats");
    add(c.events, c.events == 1 ? "event" : "events");
    add(c.clients, c.clients == 1 ? "client" : "clients");
    return s;
}

}  // namespace

StoreTarget store_target(const std::string& spec) {
    if (spec.empty()) return {Database::default_path(), std::nullopt};
    if (is_server(spec)) return {Database::default_path(), spec};
    return {spec, std::nullopt};
}

PracticeStore::PracticeStore(const std::string& spec, Database::Open how)
    : target_(store_target(spec)) {
    // With a server the local copy is made when missing: it is where this workstation keeps
    // what it receives.
    db_ = std::make_unique<Database>(target_.local, target_.server ? Database::Open::create : how);
    if (target_.server) {
        practice_ = known_practice(*db_, redacted(*target_.server));
        sync(true);
    }
}

PracticeStore::~PracticeStore() = default;

std::vector<std::string> PracticeStore::take_notices() {
    std::vector<std::string> out;
    out.swap(notices_);
    return out;
}

void PracticeStore::send() {
    if (target_.server) sync(false);
}

void PracticeStore::sync(bool receive) {
    const std::string name = redacted(*target_.server);
    try {
        Server server(*target_.server);
        reached_ = true;
        practice_ = server.practice();
        SyncReport sent = push(*db_, server);
        for (std::string& n : sent.notices) notices_.push_back(std::move(n));
        if (const std::string s = counts_text(sent.sent); !s.empty())
            notices_.push_back("sent " + s + " to " + name);
        if (!receive) return;
        SyncReport got = pull(*db_, server);
        for (std::string& n : got.notices) notices_.push_back(std::move(n));
        if (const std::string s = counts_text(got.received); !s.empty())
            notices_.push_back("received " + s + " from " + name);
    } catch (const ServerError& e) {
        reached_ = false;
        notices_.push_back(std::string(e.what()) + "; using this workstation's copy, " +
                           db_->path() + (receive ? "" : " (`steady sync` sends it later)"));
    }
}

}  // namespace steady::practice
