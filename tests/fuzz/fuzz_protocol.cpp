// Fuzz target for protocol files (TOML via toml++, then Steady's key, type and range checks), and
// each accepted step's pacer pattern, which must then be a usable one.
// libFuzzer: tools/fuzz protocol builds it with clang; replay_main.cpp runs it in the test suite.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    steady::protocol::Protocol p;
    try {
        p = steady::protocol::parse_protocol(text, "fuzz.toml", "fuzz");
    } catch (const steady::protocol::ProtocolError&) {
        return 0;  // a clear rejection is a correct answer
    }
    if (p.steps.empty() || !(p.duration_s() > 0)) std::abort();
    for (const auto& s : p.steps) {
        const auto pattern = steady::protocol::step_pattern(s, {}, 5.5);
        if (pattern && steady::pacer::check_pattern(*pattern)) std::abort();
    }
    return 0;
}
