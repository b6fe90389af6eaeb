// A client's sessions as days of practice, for progress over weeks: the CLI's `progress` and the
// window's Progress view read them the same way.
#pragma once

#include <ctime>
#include <optional>
#include <vector>

#include "recovery/progress.h"
#include "session/store.h"

namespace steady {

// The client's finished sessions starting in [from, to) (UTC seconds; empty: unbounded), oldest
// first, with their stored summaries' coherence, resting baselines and episodes.
std::vector<recovery::SessionDay> session_days(Database& db, const Client& client,
                                               std::optional<std::time_t> from = std::nullopt,
                                               std::optional<std::time_t> to = std::nullopt,
                                               std::int64_t only_session = 0);

}  // namespace steady
