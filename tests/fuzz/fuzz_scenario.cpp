// Fuzz target for simulator scenario files (TOML via toml++, then Steady's key and range checks),
// and a short run of the model on whatever they accept.
// libFuzzer: tools/fuzz scenario builds it with clang; replay_main.cpp runs it in the test suite.
#include <cstddef>
#include <cstdint>
#include <string>

#include "drivers/sim/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    steady::sim::Scenario s;
    try {
        s = steady::sim::parse_scenario_toml(text, "fuzz");
    } catch (const steady::SensorError&) {
        return 0;  // a clear rejection is a correct answer
    }
    steady::sim::Model model(s);
    steady::sim::Artifacts artifacts(s.params);
    std::vector<steady::BeatEvent> out;
    for (int i = 0; i < 200; ++i) artifacts.deliver(model.next(), out);
    return 0;
}
