// PDF reports with cairo: one session (a clinician hands it over after a session) and a client's
// trend across sessions (after BioTrace+'s trend reports). Vector graphics, DejaVu fonts embedded
// (subset), every mark told apart by shade and line style as well as position, so a grey print
// reads the same. Files are written 0600 through a private temporary.
//
// A session report is one to three pages: the header (client, date, protocol, sensor, duration,
// beats and artifacts), the tachogram over the whole session with the protocol's steps shaded and
// the marks, surges and gaps drawn in; the per-step table in Kubios vocabulary with units (the
// numbers `sessions show` prints); coherence over time with the challenge level's bands; the
// spectrum of each step (or of the session); the recovery curves with their fits; the journal
// notes; and a methods footer (Kubios conventions, coherence method, Steady's version).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "export/edf.h"  // ExportError
#include "recovery/episodes.h"
#include "recovery/progress.h"
#include "session/store.h"
#include "session/summary.h"

namespace steady::exporting {

enum class Paper { a4, letter };
// The locale's LC_PAPER (glibc's paper width: 216 mm is US letter), else A4.
Paper paper_from_locale();
const char* to_string(Paper p);

struct SessionReportInput {
    StoredSession session;
    SessionSummary summary;
    std::vector<PlacedBeat> beats;
    std::vector<Event> events;
    std::vector<recovery::Episode> episodes;
    std::string protocol;  // empty without one
};

struct TrendSession {
    StoredSession session;
    SessionSummary summary;
};
struct TrendReportInput {
    std::string client;
    std::string since;  // YYYY-MM-DD, or empty
    std::vector<TrendSession> sessions;
    std::vector<recovery::SessionDay> days;  // for the recovery trend
};

// Frees cairo's and fontconfig's caches, for a process about to exit (leak checkers then see
// nothing outstanding). Not for a process that goes on drawing text.
void release_font_caches();

// Returns the number of pages written. Throws ExportError saying why.
int write_session_report(const SessionReportInput& in, const std::string& path, Paper paper,
                         bool replace);
int write_trend_report(const TrendReportInput& in, const std::string& path, Paper paper,
                       bool replace);

}  // namespace steady::exporting
