// The recovery journal of one recording: every beat and event of the session also appended to a
// file beside the database, so that what the database will not take (a full disk, a lock held
// past the end) is never lost. One file per session, `DB.session-ID.journal`, 0600, created and
// preallocated when the session starts (room for an hour of beats, grown while there is space),
// append-only, written at least once a second by the recording's commits (a crashed process
// loses none of it) and synced to the disk whenever the database did not take the rows and at
// the end, and deleted
// once the session is wholly in the database. The next open of the database that may write
// merges what a journal holds beyond the database's rows (Database::merge_journals).
//
// The format is JSON Lines, one object a line:
//   {"steady_journal":1,"session":ID,"started_at":"2026-12-01T08:00:00Z"}   the first line
//   {"b":[T_S,RR_MS,FLAGS]}                                                   a beat
//   {"e":{"t_s":..,"kind":..,<fields>}}                                       an event
//   {"end":{"duration_s":..,"sensor":".."}}                                   a clean end
// Numbers are written at full precision, so the beats read back exactly. A line cut short (the
// process stopped while writing it) ends the journal there; what came before is kept.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "session/beat.h"
#include "session/events.h"

namespace steady {

class JournalError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct JournalContents {
    std::int64_t session = 0;
    std::string started_at;
    std::vector<PlacedBeat> beats;
    std::vector<Event> events;
    std::optional<double> end_duration_s;  // set when the session ended cleanly
    std::string sensor;                    // as it turned out, from the end line
    std::string problem;                   // "line 12 is cut short: ..." (the rest was ignored)
};

// Reads a journal's text; `name` is used in messages. Throws JournalError when the first line
// is not a journal's header (nothing of it can be trusted).
JournalContents parse_journal(std::string_view text, const std::string& name);
JournalContents read_journal(const std::string& path);

// The journal of session `session` of the database at `db_path`.
std::string journal_path(const std::string& db_path, std::int64_t session);
// The journals beside the database, oldest session first.
std::vector<std::string> find_journals(const std::string& db_path);

class SessionJournal {
  public:
    static constexpr std::int64_t kReserveBytes = 512 << 10;  // an hour at 200 bpm: 12000 beats

    // Creates the file (never an existing one, never through a symlink) and writes its header.
    // Throws JournalError saying why.
    SessionJournal(std::string path, std::int64_t session, const std::string& started_at);
    ~SessionJournal();
    SessionJournal(const SessionJournal&) = delete;
    SessionJournal& operator=(const SessionJournal&) = delete;

    const std::string& path() const { return path_; }
    // Why room for an hour could not be reserved at the start (empty when it was).
    const std::string& reserve_problem() const { return reserve_problem_; }

    void add_beats(std::span<const PlacedBeat> beats);
    void add_events(std::span<const Event> events);
    void add_end(double duration_s, const std::string& sensor);
    // Appends what was added since the last flush (the kernel has it: a crashed process loses
    // none of it); with `sync`, also to the disk (the rows are nowhere else). On failure keeps
    // it for the next try and returns why; empty on success.
    std::optional<std::string> flush(bool sync = false);
    std::optional<std::string> sync();
    std::size_t unwritten_bytes() const { return buffer_.size(); }
    // Deletes the file (the session is wholly in the database).
    void remove();

  private:
    void reserve();

    std::string path_;
    int fd_ = -1;
    std::string buffer_;
    std::int64_t written_ = 0;   // bytes in the file
    std::int64_t reserved_ = 0;  // bytes preallocated (KEEP_SIZE) from the start
    std::string reserve_problem_;
};

}  // namespace steady
