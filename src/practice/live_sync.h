// Sending a live session to the practice's server as it is recorded (README "A practice's
// shared store"). The session writes into this workstation's store first, always; this thread
// sends the server what it lacks every kEveryS seconds, on a connection of its own, so a slow
// or absent server never holds up the session. It says when the server goes away, when it is
// reached again, and when it has everything stored here ("away", "connected", "caught_up").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace steady::practice {

class LiveSync {
  public:
    static constexpr double kEveryS = 2.0;
    // state, detail; called on the sync thread.
    using Report = std::function<void(const std::string&, const std::string&)>;

    LiveSync(std::string local_path, std::string server, Report report, double every_s = kEveryS);
    ~LiveSync();  // stops without a last send, and waits for the thread
    LiveSync(const LiveSync&) = delete;
    LiveSync& operator=(const LiveSync&) = delete;

    // A last send of everything, waiting up to `wait_s`; stops the thread (reports no more).
    // True when the server has it all.
    bool finish(double wait_s);
    // Why the last send could not be made (empty when it was).
    std::string problem() const;

    struct Shared;  // the thread's state (live_sync.cpp)

  private:
    std::shared_ptr<Shared> shared_;
    std::thread thread_;
};

}  // namespace steady::practice
