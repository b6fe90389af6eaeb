// Rendering analysis results for people (text sheet) and scripts (JSON with fixed keys, CSV).
// The JSON keys are a contract: scripts rely on them (README "JSON output").
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "hrv/analysis.h"

namespace steady::cli {

struct FileReport {
    std::string file;
    hrv::AnalysisResult result;
    std::vector<hrv::WindowResult> windows;  // with --window
};

nlohmann::ordered_json to_json(const FileReport& r, const hrv::AnalysisSettings& s);
std::string to_text(const FileReport& r, const hrv::AnalysisSettings& s);
// Header line plus one row per window (or one row for the whole file without windows).
std::string csv_header();
std::string csv_rows(const FileReport& r);

}  // namespace steady::cli
