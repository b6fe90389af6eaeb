// `steady analyze` as a user runs it: the real binary, its stdout, stderr and exit status.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/cli_run.h"

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <cstdlib>

using steady::test::Run;
using steady::test::run;
using steady::test::temp_path;

namespace {

std::string data(const std::string& name) {
    return std::string(STEADY_TEST_DATA) + "/" + name;
}

std::string write_temp(const std::string& content) {
    const std::string path = temp_path(".txt");
    std::ofstream(path) << content;
    return path;
}

std::set<std::string> keys(const nlohmann::json& j) {
    std::set<std::string> k;
    for (auto it = j.begin(); it != j.end(); ++it) k.insert(it.key());
    return k;
}

}  // namespace

TEST_CASE("JSON output has exactly the documented keys", "[cli]") {
    const Run r = run("analyze --format json " + data("series_1_rr_ms.txt"));
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(keys(j) == std::set<std::string>{"file", "beats", "duration_s", "artifacts", "time",
                                           "frequency", "nonlinear", "coherence", "respiration",
                                           "warnings"});
    CHECK(keys(j["artifacts"]) ==
          std::set<std::string>{"method", "flagged", "corrected", "percent"});
    CHECK(keys(j["time"]) == std::set<std::string>{"mean_rr_ms", "sdnn_ms", "rmssd_ms", "sdsd_ms",
                                                   "nn50", "pnn50_pct", "nn20", "pnn20_pct",
                                                   "mean_hr_bpm", "min_hr_bpm", "max_hr_bpm",
                                                   "sd_hr_bpm", "triangular_index"});
    CHECK(keys(j["frequency"]) == std::set<std::string>{"vlf_ms2", "lf_ms2", "hf_ms2", "total_ms2",
                                                        "vlf_pct", "lf_pct", "hf_pct", "lf_nu",
                                                        "hf_nu", "lf_hf", "vlf_peak_hz",
                                                        "lf_peak_hz", "hf_peak_hz", "settings"});
    CHECK(keys(j["nonlinear"]) == std::set<std::string>{"sd1_ms", "sd2_ms", "sd2_sd1", "dfa_alpha1",
                                                        "dfa_alpha2", "sampen"});
    CHECK(keys(j["coherence"]) == std::set<std::string>{"ratio_mean", "score_mean", "peak_hz"});
    CHECK(keys(j["respiration"]) == std::set<std::string>{"rate_bpm"});
    CHECK(j["beats"] == 4684);
    CHECK(j["time"]["rmssd_ms"].get<double>() == Approx(60.5235).epsilon(1e-5));
    CHECK(j["frequency"]["settings"]["detrend"] == "smoothness");
    CHECK(j["artifacts"]["flagged"][0].contains("index"));
}

TEST_CASE("options reach the analysis: --detrend none reproduces Kubios LF", "[cli]") {
    const Run r = run("analyze --format json --detrend none " + data("series_1_rr_ms.txt"));
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["frequency"]["lf_ms2"].get<double>() == Approx(2776.5983).epsilon(0.005));
    CHECK(j["frequency"]["settings"]["detrend"] == "none");
    const Run lin =
        run("analyze --format json --detrend none --interp linear " + data("series_1_rr_ms.txt"));
    const auto k = nlohmann::json::parse(lin.out);
    // Linear interpolation cuts HF (hrv-methods.md: by 13-28 % on real recordings).
    CHECK(k["frequency"]["hf_ms2"].get<double>() < 0.9 * j["frequency"]["hf_ms2"].get<double>());
}

TEST_CASE("several files give an array, stdin is read with -", "[cli]") {
    const Run r =
        run("analyze --format json " + data("real_rri.txt") + " " + data("systole_rr.csv"));
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    CHECK(j.size() == 2);
    const Run s = run("analyze --format json -", data("real_rri.txt"));
    REQUIRE(s.status == 0);
    CHECK(nlohmann::json::parse(s.out)["beats"] == j[0]["beats"]);
}

TEST_CASE("bad input: file, line and reason on stderr, exit 2, nothing on stdout", "[cli]") {
    const std::string bad = write_temp("800\n810\nabc\n");
    const Run r = run("analyze --format json " + data("real_rri.txt") + " " + bad);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(bad + ": line 3: \"abc\" is not a number") != std::string::npos);
    const Run missing = run("analyze /nonexistent.txt");
    CHECK(missing.status == 2);
    CHECK(missing.err.find("cannot open") != std::string::npos);
    const Run option = run("analyze --welch-overlap 2 " + data("real_rri.txt"));
    CHECK(option.status == 2);
    CHECK(option.out.empty());
    CHECK(option.err.find("welch-overlap") != std::string::npos);
    std::remove(bad.c_str());
}

TEST_CASE("a too-short file gives nulls with reasons", "[cli]") {
    const std::string shortf = write_temp("800\n810\n805\n790\n");
    const Run r = run("analyze --format json " + shortf);
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["frequency"].is_null());
    CHECK(j["coherence"].is_null());
    CHECK(j["nonlinear"]["dfa_alpha1"].is_null());
    CHECK(j["time"]["rmssd_ms"].get<double>() > 0);
    const std::string warnings = j["warnings"].dump();
    CHECK(warnings.find("frequency domain and respiration need at least 60.0 s") !=
          std::string::npos);
    CHECK(warnings.find("dfa_alpha1 needs at least 64 beats") != std::string::npos);
    std::remove(shortf.c_str());
}

TEST_CASE("CSV with --window: one row per window", "[cli]") {
    const Run r = run("analyze --format csv --window 300 --step 60 " + data("series_2_rr_ms.txt"));
    REQUIRE(r.status == 0);
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);
    CHECK(line.rfind("file,start_s,end_s,beats", 0) == 0);
    int rows = 0;
    while (std::getline(in, line)) ++rows;
    // 3599.9 s of beats: windows start every 60 s while start + 300 <= end.
    CHECK(rows == 55);
}

TEST_CASE("text sheet has every section", "[cli]") {
    const Run r = run("analyze " + data("series_2_rr_ms.txt"));
    REQUIRE(r.status == 0);
    for (const char* section : {"Settings", "Artifacts", "Time domain", "Frequency domain",
                                "Nonlinear", "Coherence and breathing"}) {
        CHECK(r.out.find(section) != std::string::npos);
    }
}
