// Fuzz target for the RR file readers and the analysis of whatever they accept.
// libFuzzer: tools/fuzz builds it with clang; replay_main.cpp runs it in the normal test suite.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hrv/analysis.h"
#include "io/rr_file.h"

namespace {
constexpr std::size_t kMaxAnalysedBeats = 3000;  // keeps one input well under a second
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    steady::io::RrRecording rec;
    try {
        rec = steady::io::parse_rr(text, "fuzz");
    } catch (const steady::io::InputError&) {
        return 0;  // a clear rejection is a correct answer
    }
    if (rec.rr_ms.size() > kMaxAnalysedBeats) return 0;
    steady::hrv::AnalysisSettings settings;
    settings.artifacts.method = (size % 2) ? steady::hrv::ArtifactMethod::automatic
                                           : steady::hrv::ArtifactMethod::threshold_medium;
    steady::hrv::Analyzer analyzer(settings);
    (void)analyzer.analyze(rec.rr_ms, rec.t_s);
    return 0;
}
