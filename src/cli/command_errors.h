// How the reading commands end on an error: a usage mistake exits 2, a store problem 1, each
// with one line on stderr naming the command.
#pragma once

#include <functional>
#include <iostream>
#include <stdexcept>

#include "session/store.h"

namespace steady::cli {

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What opening the database changed (a loose file tightened, a recovery journal merged), said
// before the command's own output.
inline void say_notices(const Database& db, const char* what) {
    for (const std::string& n : db.notices()) std::cerr << "steady " << what << ": " << n << "\n";
}

inline int guarded(const char* what, const std::function<int()>& f) {
    try {
        return f();
    } catch (const UsageError& e) {
        std::cerr << "steady " << what << ": " << e.what() << "\n";
        return 2;
    } catch (const StoreError& e) {
        std::cerr << "steady " << what << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace steady::cli
