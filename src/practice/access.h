// Where sessions are kept, for the commands and the window: a file path, or a practice's server
// (a libpq connection string, practice/server.h) with this workstation's own store as its local
// copy. Opening with a server first sends what the server lacks and receives what other
// workstations sent; a server that cannot be reached is said, and the local copy is used.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session/store.h"

namespace steady::practice {

struct StoreTarget {
    std::string local;                  // the SQLite file sessions are recorded into
    std::optional<std::string> server;  // the practice's server, when one is named
};

// `spec`: a file path, a server connection string, or empty (Database::default_path()).
StoreTarget store_target(const std::string& spec);

class PracticeStore {
  public:
    // Throws StoreError for the local file; a server away is a notice only.
    PracticeStore(const std::string& spec, Database::Open how);
    ~PracticeStore();
    PracticeStore(const PracticeStore&) = delete;
    PracticeStore& operator=(const PracticeStore&) = delete;

    Database& db() { return *db_; }
    const StoreTarget& target() const { return target_; }
    // The practice (its UUID) when a server is named and known, from this contact or an
    // earlier one.
    const std::optional<std::string>& practice() const { return practice_; }
    bool reached() const { return reached_; }
    // What syncing did, or why it could not; one line each, for the command to print.
    std::vector<std::string> take_notices();
    // Sends what this command changed (nothing without a server). A server away is a notice.
    void send();

  private:
    void sync(bool receive);

    StoreTarget target_;
    std::unique_ptr<Database> db_;
    std::optional<std::string> practice_;
    bool reached_ = false;
    std::vector<std::string> notices_;
};

}  // namespace steady::practice
