// Protocols as data: a scripted session of steps (baseline, stressor, recovery, paced, free,
// rest), each with its length, what the client reads, a prompt for the clinician, and its pacer.
// Read from TOML (toml++): the built-ins are compiled in from protocols/*.toml (the same files
// are installed as examples), and the user's own come from $XDG_CONFIG_HOME/steady/protocols/.
// A bad file is refused with its path, line and key, like a bad settings file.
//
//   name = "demo"                        # else the file's stem
//   description = "..."
//   resonance_assessment = true          # optional: score the paced steps' rates (resonance.h)
//   [[step]]
//   name = "Resting baseline"
//   kind = "baseline"                    # baseline, stressor, recovery, paced, free, rest
//   duration_s = 120
//   client_text = "..."                  # what the client reads
//   clinician_text = "..."               # a prompt for the clinician
//   pattern = "4-7-8"                    # a pattern's name, or:
//   rate_bpm = 6.5                       # a rate, or "client" (the client's resonance rate)
//   ratio = [4, 6]                       # inhale:exhale with rate_bpm (default 4:6)
//   adapt = true                         # the pacer's tempo adapts (default false)
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pacer/pattern.h"

namespace steady::protocol {

class ProtocolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class StepKind { baseline, stressor, recovery, paced, free, rest };
const char* to_string(StepKind k);
std::optional<StepKind> step_kind(const std::string& name);

constexpr double kDefaultResonanceBpm = 5.5;  // when a client has not been assessed

struct StepPacer {
    std::optional<std::string> pattern;  // a pattern's name...
    std::optional<double> rate_bpm;      // ...or a rate...
    bool client_rate = false;            // ...or the client's resonance rate
    std::array<double, 2> ratio{4, 6};   // inhale:exhale with a rate
};

struct Step {
    std::string name;
    StepKind kind = StepKind::rest;
    double duration_s = 60;
    std::string client_text;
    std::string clinician_text;
    std::optional<StepPacer> pacer;  // none: no pacer in this step
    bool adapt = false;
};

struct Protocol {
    std::string name;
    std::string description;
    std::string source;  // "built-in" or the file's path
    bool resonance_assessment = false;
    std::vector<Step> steps;
    double duration_s() const;
};

// Parses one protocol. `stem` names it when the file has no `name`; `patterns` are the custom
// patterns a step may name besides the built-ins. Throws ProtocolError "SOURCE: line N: KEY: why".
Protocol parse_protocol(const std::string& text, const std::string& source, const std::string& stem,
                        const std::vector<pacer::Pattern>& patterns = {});

// The built-ins (demo, stress-profile, rf-assessment, rf-assessment-1to1).
const std::vector<Protocol>& builtin_protocols();

// $XDG_CONFIG_HOME/steady/protocols, or ~/.config/steady/protocols; empty without HOME.
std::string user_protocol_dir();

// The built-ins, then every *.toml in `dir` (a user's file replaces a built-in of the same name),
// sorted by name. Throws ProtocolError on the first bad file.
std::vector<Protocol> load_protocols(const std::string& dir,
                                     const std::vector<pacer::Pattern>& patterns = {});
// One by name (or a path to a .toml file); throws ProtocolError listing the names known.
Protocol find_protocol(const std::string& name, const std::string& dir,
                       const std::vector<pacer::Pattern>& patterns = {});

// The pacer pattern of a step: a named pattern (the `resonance` one at the client's rate), or a
// rate with its inhale:exhale ratio and no holds. Empty when the step has no pacer.
std::optional<pacer::Pattern> step_pattern(const Step& step,
                                           const std::vector<pacer::Pattern>& patterns,
                                           std::optional<double> client_resonance_bpm);
// A pattern at `rate_bpm` with inhale:exhale `ratio` (no holds, no adaptation), named "6.5/min".
pacer::Pattern rate_pattern(double rate_bpm, std::array<double, 2> ratio);
// The `resonance` pattern (or any pattern) retimed to a client's resonance rate.
pacer::Pattern at_rate(pacer::Pattern p, double rate_bpm);

}  // namespace steady::protocol
