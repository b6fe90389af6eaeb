// Fuzz target for the recovery journal (session/journal.h): a file that may be cut short by a
// crash or damaged on disk. It is read or refused with JournalError, never trusted past its
// first bad line, and what it gives is well-formed.
// libFuzzer: tools/fuzz journal builds it with clang; replay_main.cpp runs it in the test suite.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "session/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    steady::JournalContents c;
    try {
        c = steady::parse_journal(text, "fuzz.journal");
    } catch (const steady::JournalError&) {
        return 0;  // a clear refusal is a correct answer
    }
    // Only lines ending in a newline are read; the beats and events come from them.
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    if (c.beats.size() + c.events.size() + (c.end_duration_s ? 1 : 0) + 1 > lines) std::abort();
    if (c.problem.empty() && !text.empty() && text.back() != '\n') std::abort();
    return 0;
}
