#include "practice/live_sync.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "practice/server.h"
#include "practice/sync.h"

namespace steady::practice {

// Everything the thread uses: kept alive by the thread itself too, so a finish() that stops
// waiting (a server that hangs) leaves nothing dangling.
struct LiveSync::Shared {
    std::string local, server;
    double every_s = LiveSync::kEveryS;
    std::mutex m;
    std::condition_variable cv;
    Report report;  // cleared when the session no longer listens
    bool stop = false, finishing = false, finished = false, all_sent = false;
    std::string problem;

    void say(const std::string& state, const std::string& detail) {
        const std::lock_guard lock(m);
        if (report) report(state, detail);
    }
};

namespace {

void run(const std::shared_ptr<LiveSync::Shared>& s) {
    std::unique_ptr<Database> local;
    std::unique_ptr<Server> server;
    std::string state;  // as last said
    for (;;) {
        bool last = false;
        {
            std::unique_lock lock(s->m);
            if (s->stop) return;
            last = s->finishing;
        }
        std::string why;
        try {
            if (!local) local = std::make_unique<Database>(s->local, Database::Open::existing);
            if (!server) {
                server = std::make_unique<Server>(s->server);
                if (!last && state != "connected") s->say(state = "connected", "");
            }
            const SyncReport r = push(*local, *server);
            (void)r;
            // Everything stored here when this send began is on the server now.
            if (!last && state != "caught_up") s->say(state = "caught_up", "");
        } catch (const StoreError& e) {  // ServerError too
            why = e.what();
            server.reset();
            if (!last && state != "away") s->say(state = "away", why);
        }
        std::unique_lock lock(s->m);
        if (last) {
            s->finished = true;
            s->all_sent = why.empty();
            s->problem = why;
            s->cv.notify_all();
            return;
        }
        s->cv.wait_for(lock, std::chrono::duration<double>(s->every_s),
                       [&] { return s->stop || s->finishing; });
    }
}

}  // namespace

LiveSync::LiveSync(std::string local_path, std::string server, Report report, double every_s)
    : shared_(std::make_shared<Shared>()) {
    shared_->local = std::move(local_path);
    shared_->server = std::move(server);
    shared_->report = std::move(report);
    shared_->every_s = every_s;
    thread_ = std::thread([s = shared_] { run(s); });
}

LiveSync::~LiveSync() {
    {
        const std::lock_guard lock(shared_->m);
        shared_->stop = true;
        shared_->report = nullptr;
        shared_->cv.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

bool LiveSync::finish(double wait_s) {
    std::unique_lock lock(shared_->m);
    shared_->finishing = true;
    shared_->cv.notify_all();
    shared_->cv.wait_for(lock, std::chrono::duration<double>(wait_s),
                         [&] { return shared_->finished; });
    shared_->report = nullptr;
    if (!shared_->finished) {
        shared_->stop = true;
        thread_.detach();  // a server that hangs: the thread ends on its own later
        shared_->problem =
            "the server did not answer within " + std::to_string(static_cast<int>(wait_s)) + " s";
        return false;
    }
    return shared_->all_sent;
}

std::string LiveSync::problem() const {
    const std::lock_guard lock(shared_->m);
    return shared_->problem;
}

}  // namespace steady::practice
