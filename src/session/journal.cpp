#include "session/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/private_file.h"
#include "session/event_json.h"

namespace steady {

namespace {

constexpr const char* kSuffix = ".journal";

std::string session_prefix(const std::string& db_path) {
    return std::filesystem::path(db_path).filename().string() + ".session-";
}

bool is_number(const nlohmann::json& j) {
    return j.is_number();
}

}  // namespace

std::string journal_path(const std::string& db_path, std::int64_t session) {
    return db_path + ".session-" + std::to_string(session) + kSuffix;
}

std::vector<std::string> find_journals(const std::string& db_path) {
    const std::filesystem::path db(db_path);
    const std::filesystem::path dir = db.has_parent_path() ? db.parent_path() : ".";
    const std::string prefix = session_prefix(db_path);
    std::vector<std::pair<std::int64_t, std::string>> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= prefix.size() + std::strlen(kSuffix) || name.rfind(prefix, 0) != 0 ||
            !name.ends_with(kSuffix))
            continue;
        const std::string_view digits(name.data() + prefix.size(),
                                      name.size() - prefix.size() - std::strlen(kSuffix));
        std::int64_t id = 0;
        const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (err != std::errc{} || end != digits.data() + digits.size() || id <= 0) continue;
        found.emplace_back(id, journal_path(db_path, id));
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

JournalContents parse_journal(std::string_view text, const std::string& name) {
    JournalContents c;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t nl = text.find('\n', pos);
        ++line_no;
        const std::string where = name + ": line " + std::to_string(line_no);
        if (nl == std::string_view::npos) {
            // The process stopped in the middle of this line.
            if (line_no == 1) throw JournalError(where + " is cut short: not a Steady journal");
            c.problem = where + " is cut short (the recording stopped while writing it); the " +
                        std::to_string(line_no - 1) + " lines before it are kept";
            break;
        }
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (line_no == 1) {
            if (!j.is_object() || !j.contains("steady_journal") || !j.contains("session") ||
                !j["session"].is_number_integer() || !j.contains("started_at") ||
                !j["started_at"].is_string())
                throw JournalError(where + ": not a Steady journal's first line");
            if (j["steady_journal"] != 1)
                throw JournalError(where + ": journal version " + j["steady_journal"].dump() +
                                   " is not one this Steady reads");
            c.session = j["session"].get<std::int64_t>();
            c.started_at = j["started_at"].get<std::string>();
            continue;
        }
        bool ok = j.is_object() && j.size() == 1;
        if (ok && j.contains("b")) {
            const auto& b = j["b"];
            ok = b.is_array() && b.size() == 3 && is_number(b[0]) && is_number(b[1]) &&
                 b[2].is_number_unsigned() && b[2].get<std::uint64_t>() <= 0xffffffffu;
            if (ok)
                c.beats.push_back({b[0].get<double>(), b[1].get<double>(),
                                   static_cast<std::uint32_t>(b[2].get<std::uint64_t>())});
        } else if (ok && j.contains("e")) {
            const auto& e = j["e"];
            ok = e.is_object() && e.contains("t_s") && is_number(e["t_s"]) && e.contains("kind") &&
                 e["kind"].is_string();
            if (ok) {
                nlohmann::json fields = e;
                fields.erase("t_s");
                fields.erase("kind");
                c.events.push_back(event_from_fields(e["t_s"].get<double>(),
                                                     e["kind"].get<std::string>(), fields));
            }
        } else if (ok && j.contains("end")) {
            const auto& e = j["end"];
            ok = e.is_object() && e.contains("duration_s") && is_number(e["duration_s"]) &&
                 (!e.contains("sensor") || e["sensor"].is_string());
            if (ok) {
                c.end_duration_s = e["duration_s"].get<double>();
                if (e.contains("sensor")) c.sensor = e["sensor"].get<std::string>();
            }
        } else {
            ok = false;
        }
        if (!ok) {
            c.problem = where + " is not a beat, an event or an end; the " +
                        std::to_string(line_no - 1) + " lines before it are kept";
            break;
        }
    }
    if (line_no == 0) throw JournalError(name + ": empty, not a Steady journal");
    return c;
}

JournalContents read_journal(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw JournalError(path + ": cannot read: " + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw JournalError(path + ": cannot read: " + std::strerror(err));
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return parse_journal(text, path);
}

// SessionJournal -------------------------------------------------------------------------------

SessionJournal::SessionJournal(std::string path, std::int64_t session,
                               const std::string& started_at)
    : path_(std::move(path)) {
    try {
        fd_ = open_private(path_, false);
    } catch (const PrivateFileError& e) {
        throw JournalError(std::string(e.what()) + " (the session's recovery journal)");
    }
    reserve();
    nlohmann::ordered_json header = {
        {"steady_journal", 1}, {"session", session}, {"started_at", started_at}};
    buffer_ = header.dump() + "\n";
    if (auto err = flush(true)) {
        ::close(fd_);
        ::unlink(path_.c_str());
        throw JournalError(*err);
    }
}

SessionJournal::~SessionJournal() {
    if (fd_ >= 0) ::close(fd_);
}

void SessionJournal::reserve() {
    // KEEP_SIZE: the blocks are the file's, its length stays what was written; a write into
    // them needs no new space when the disk is full.
    if (::fallocate(fd_, FALLOC_FL_KEEP_SIZE, reserved_, kReserveBytes) == 0) {
        reserved_ += kReserveBytes;
    } else if (reserved_ == 0) {
        reserve_problem_ =
            path_ + ": could not reserve room for an hour of beats (" + std::strerror(errno) + ")";
    }
}

void SessionJournal::add_beats(std::span<const PlacedBeat> beats) {
    for (const PlacedBeat& b : beats)
        buffer_ += nlohmann::json{{"b", {b.t_s, b.rr_ms, b.flags}}}.dump() + "\n";
}

void SessionJournal::add_events(std::span<const Event> events) {
    for (const Event& e : events) {
        nlohmann::ordered_json line;
        line["e"] = event_object(e);
        buffer_ += line.dump() + "\n";
    }
}

void SessionJournal::add_end(double duration_s, const std::string& sensor) {
    nlohmann::ordered_json line;
    line["end"] = {{"duration_s", duration_s}, {"sensor", sensor}};
    buffer_ += line.dump() + "\n";
}

std::optional<std::string> SessionJournal::sync() {
    if (fd_ < 0) return path_ + ": the journal was deleted";
    if (::fdatasync(fd_) != 0 && errno != EINVAL)
        return path_ + ": cannot sync the journal: " + std::strerror(errno);
    return std::nullopt;
}

std::optional<std::string> SessionJournal::flush(bool sync_too) {
    if (fd_ < 0) return path_ + ": the journal was deleted";
    if (buffer_.empty()) return sync_too ? sync() : std::nullopt;
    // Grow the reservation while there is space, a quarter of it ahead of the writes.
    if (reserved_ > 0 &&
        written_ + static_cast<std::int64_t>(buffer_.size()) > reserved_ - kReserveBytes / 4)
        reserve();
    std::size_t done = 0;
    std::optional<std::string> err;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = path_ + ": cannot write the journal: " + std::strerror(n < 0 ? errno : ENOSPC);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    // What was written stays written (the file is append-only): the rest follows it later.
    buffer_.erase(0, done);
    written_ += static_cast<std::int64_t>(done);
    if (!err && sync_too) err = sync();
    return err;
}

void SessionJournal::remove() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(path_.c_str());
}

}  // namespace steady
