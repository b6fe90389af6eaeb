#include "session/history.h"

#include "session/iso_time.h"

namespace steady {

std::vector<recovery::SessionDay> session_days(Database& db, const Client& client,
                                               std::optional<std::time_t> from,
                                               std::optional<std::time_t> to,
                                               std::int64_t only_session) {
    std::vector<recovery::SessionDay> days;
    for (const StoredSession& s : db.list(client.name, false)) {
        const std::time_t t = parse_utc_iso(s.started_at);
        if ((from && t < *from) || (to && t >= *to)) continue;
        if (only_session && s.id != only_session) continue;
        if (s.state == "recording") continue;  // still going: its day is not over
        recovery::SessionDay d;
        d.id = s.id;
        d.start = t;
        d.duration_s = s.duration_s;
        d.coherence_high_s = db.summary(s.id).coherence_s[2];
        d.baseline = db.stored_baseline(client, s.id);
        d.episodes = db.episodes(s.id);
        days.push_back(std::move(d));
    }
    return days;
}

}  // namespace steady
