// Clinician mode part 1: protocol files, clients, protocol runs and their per-step statistics,
// through the real `steady` binary where a user would meet them.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "protocol/protocol.h"
#include "support/cli_run.h"

using namespace steady;
using Json = nlohmann::json;

namespace {

protocol::Protocol parse(const std::string& text) {
    return protocol::parse_protocol(text, "mine.toml", "mine");
}

std::string refusal(const std::string& text) {
    try {
        parse(text);
    } catch (const protocol::ProtocolError& e) {
        return e.what();
    }
    return "(accepted)";
}

const char* kStep = R"(
[[step]]
name = "Sit"
kind = "baseline"
duration_s = 60
)";

std::vector<Json> json_lines(const std::string& out) {
    std::vector<Json> v;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) v.push_back(Json::parse(line));
    return v;
}

}  // namespace

TEST_CASE("protocols: the built-ins parse and say what the issue asks of them",
          "[protocol][parse]") {
    std::map<std::string, protocol::Protocol> by_name;
    for (const auto& p : protocol::builtin_protocols()) by_name[p.name] = p;
    REQUIRE(by_name.count("demo"));
    REQUIRE(by_name.count("stress-profile"));
    REQUIRE(by_name.count("rf-assessment"));
    const auto& demo = by_name["demo"];
    CHECK(demo.duration_s() == 720);
    REQUIRE(demo.steps.size() == 5);
    CHECK(demo.steps[0].kind == protocol::StepKind::baseline);
    CHECK_FALSE(demo.steps[0].pacer);  // a resting baseline without a pacer
    CHECK(demo.steps[1].kind == protocol::StepKind::stressor);
    CHECK(demo.steps[3].pacer->pattern == "4-7-8");
    CHECK(demo.steps[3].adapt);
    const auto& sp = by_name["stress-profile"];
    CHECK(sp.duration_s() == 1200);
    CHECK(sp.steps[0].duration_s == 360);
    CHECK(sp.steps.back().pacer->client_rate);
    // The client's rate when known, else 5.5/min, as the resonance pattern.
    const auto unknown = protocol::step_pattern(sp.steps.back(), {}, std::nullopt);
    CHECK(unknown->name == "resonance");
    CHECK(60.0 / unknown->cycle_s() == Approx(5.5));
    const auto known = protocol::step_pattern(sp.steps.back(), {}, 6.0);
    CHECK(60.0 / known->cycle_s() == Approx(6.0));
    const auto& rf = by_name["rf-assessment"];
    CHECK(rf.resonance_assessment);
    std::vector<double> rates;
    for (const auto& s : rf.steps)
        if (s.kind == protocol::StepKind::paced) {
            rates.push_back(*s.pacer->rate_bpm);
            CHECK(s.duration_s == 120);
            CHECK(s.pacer->ratio == std::array<double, 2>{4, 6});
        }
    CHECK(rates == std::vector<double>{6.5, 6.0, 5.5, 5.0, 4.5});
    const auto p65 = protocol::step_pattern(rf.steps[0], {}, std::nullopt);
    CHECK(p65->cycle_s() == Approx(60 / 6.5));
    CHECK(p65->counts[1] == 0);  // never a hold
}

TEST_CASE("protocols: a bad file is refused with its file, line and key", "[protocol][parse]") {
    CHECK(refusal("name = \"x\"\n") == "mine.toml: no steps; add at least one [[step]] table");
    CHECK(refusal(std::string("colour = 3\n") + kStep)
              .rfind("mine.toml: line 1: colour: unknown key", 0) == 0);
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"nap\"\nduration_s = 60\n") ==
          "mine.toml: line 3: step[1].kind: \"nap\" is not one of baseline, stressor, recovery, "
          "paced, free or rest");
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"rest\"\nduration_s = \"long\"\n") ==
          "mine.toml: line 4: step[1].duration_s: must be a number");
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"rest\"\nduration_s = 2\n") ==
          "mine.toml: line 4: step[1].duration_s: 2 is out of range (10 to 14400)");
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"paced\"\nduration_s = 60\npattern = "
                  "\"7-11\"\n")
              .rfind("mine.toml: line 5: step[1].pattern: no pattern \"7-11\"", 0) == 0);
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"paced\"\nduration_s = 60\nrate_bpm = "
                  "\"fast\"\n")
              .rfind("mine.toml: line 5: step[1].rate_bpm: must be a number of breaths/min or "
                     "\"client\"",
                     0) == 0);
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"paced\"\nduration_s = 60\nratio = [4, 6]\n") ==
          "mine.toml: line 5: step[1].ratio: needs rate_bpm");
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"paced\"\nduration_s = 60\nadapt = 1\n") ==
          "mine.toml: line 5: step[1].adapt: must be true or false");
    CHECK(refusal("[[step]]\nkind = \"rest\"\nduration_s = 60\n") ==
          "mine.toml: line 1: step[1]: needs a name");  // where its [[step]] is
    CHECK(refusal("[[step]]\nname = \"a\"\nkind = \"rest\"\nduration_s = 60\nmood = \"ok\"\n")
              .rfind("mine.toml: line 5: step[1].mood: unknown key", 0) == 0);
    CHECK(refusal("name = \"x\"\n[[step]\n").rfind("mine.toml: line 2: ", 0) == 0);
    // An assessment never paces with holds.
    CHECK(refusal("resonance_assessment = true\n[[step]]\nname = \"a\"\nkind = \"paced\"\n"
                  "duration_s = 120\npattern = \"4-7-8\"\n[[step]]\nname = \"b\"\nkind = "
                  "\"paced\"\nduration_s = 120\nrate_bpm = 5\n")
              .rfind("mine.toml: line 2: step[1]: a resonance assessment paces every paced step "
                     "with a rate_bpm number",
                     0) == 0);
    // A good one, named by its file when it has no name.
    const protocol::Protocol ok = parse(std::string(kStep));
    CHECK(ok.name == "mine");
    CHECK(ok.steps.size() == 1);
}

TEST_CASE("protocols: a user's file is found by name, and a bad one stops record with exit 2",
          "[protocol][cli]") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "config/steady/protocols");
    {
        std::ofstream(dir / "config/steady/protocols/short.toml")
            << "description = \"two short steps\"\n"
            << kStep << "\n[[step]]\nname = \"Slow\"\nkind = \"paced\"\nduration_s = 30\n"
            << "rate_bpm = 6\nratio = [5, 5]\n";
    }
    const std::string env = "XDG_CONFIG_HOME=" + dir.path + "/config";
    const test::Run list = test::run("protocols", "", env);
    REQUIRE(list.status == 0);
    CHECK(list.out.find("short") != std::string::npos);
    CHECK(list.out.find("demo") != std::string::npos);
    const test::Run r =
        test::run("record --protocol short --speed 300 --db " + (dir / "s.db"), "", env);
    REQUIRE(r.status == 0);
    const auto lines = json_lines(r.out);
    int seconds = 0;
    std::vector<std::string> steps;
    for (const Json& l : lines) {
        if (!l.contains("event")) ++seconds;
        if (l.value("event", "") == "step_start") steps.push_back(l["name"]);
        if (l.value("event", "") == "pacer" && l["reason"] == "start") {
            CHECK(l["t_s"].get<double>() == 60.0);  // the paced step's own pacer
            CHECK(l["cycle_s"].get<double>() == Approx(10.0));
        }
    }
    CHECK(seconds == 90);  // the protocol's length
    CHECK(steps == std::vector<std::string>{"Sit", "Slow"});

    {
        std::ofstream(dir / "config/steady/protocols/bad.toml")
            << "[[step]]\nname = \"a\"\nkind = \"rest\"\nduration_s = -5\n";
    }
    const test::Run bad =
        test::run("record --protocol short --speed 300 --db " + (dir / "s.db"), "", env);
    CHECK(bad.status == 2);
    CHECK(bad.err.find("bad.toml: line 4: step[1].duration_s: -5 is out of range") !=
          std::string::npos);
    const test::Run unknown = test::run("record --protocol nosuch --db " + (dir / "s.db"), "", env);
    CHECK(unknown.status == 2);
}

TEST_CASE("clients: added, listed, renamed, archived, names checked", "[protocol][clients]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "c.db");
    REQUIRE(test::run("clients add alex --note \"Tuesdays\"" + db).status == 0);
    REQUIRE(test::run("clients add sam" + db).status == 0);
    const test::Run dup = test::run("clients add sam" + db);
    CHECK(dup.status == 1);
    CHECK(dup.err == "steady clients add: there is already a client \"sam\"\n");
    CHECK(test::run("clients add \"\"" + db).status == 1);
    CHECK(test::run("clients rename sam robin" + db).status == 0);
    const test::Run list = test::run("clients list --format json" + db);
    REQUIRE(list.status == 0);
    const Json all = Json::parse(list.out);
    std::vector<std::string> names;
    for (const Json& c : all) names.push_back(c["name"]);
    // "default" holds the sessions recorded without --client (a personal user's).
    CHECK(names == std::vector<std::string>{"default", "alex", "robin"});
    const Json alex = Json::parse(test::run("clients show alex --format json" + db).out);
    CHECK(alex["note"] == "Tuesdays");
    CHECK(alex["sessions"] == 0);
    CHECK(alex["baseline"].is_null());
    CHECK(alex["resonance_bpm"].is_null());
    CHECK(alex.contains("pattern"));
    REQUIRE(test::run("clients archive robin" + db).status == 0);
    const test::Run rec = test::run("record --client robin --duration 5 --speed 100 --quiet" + db);
    CHECK(rec.status == 2);
    CHECK(rec.err.find("client \"robin\" is archived") != std::string::npos);
    const test::Run nobody = test::run("record --client nobody --duration 5 --quiet" + db);
    CHECK(nobody.status == 2);
    CHECK(nobody.err.find("no client \"nobody\"") != std::string::npos);
    // A reading command never creates a database.
    CHECK(test::run("clients list --db " + (dir / "none.db")).status == 1);
    CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
}

TEST_CASE("clients: two clients' baselines stay apart", "[protocol][clients]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "c.db");
    REQUIRE(test::run("clients add alex" + db).status == 0);
    REQUIRE(test::run("clients add sam" + db).status == 0);
    // Alex's resting baseline comes from the demo protocol's baseline step.
    const test::Run a = test::run("record --client alex --protocol demo --speed 500 --quiet" + db);
    REQUIRE(a.status == 0);
    const Json alex = Json::parse(test::run("clients show alex --format json" + db).out);
    REQUIRE(alex["baseline"].is_object());
    CHECK(alex["baseline"]["session"] == 1);
    const Json sam = Json::parse(test::run("clients show sam --format json" + db).out);
    CHECK(sam["baseline"].is_null());
    // Sam has none: "last" is refused, naming Sam, and nothing is recorded.
    const test::Run s =
        test::run("record --client sam --baseline last --duration 10 --speed 100 --quiet" + db);
    CHECK(s.status == 2);
    CHECK(s.err.find("no stored baseline for sam") != std::string::npos);
    // Alex's session cannot serve as Sam's.
    const test::Run other =
        test::run("record --client sam --baseline 1 --duration 10 --speed 100 --quiet" + db);
    CHECK(other.status == 2);
    CHECK(other.err.find("belongs to alex, not sam") != std::string::npos);
    const test::Run mine =
        test::run("record --client alex --baseline last --duration 10 --speed 100 --quiet" + db);
    CHECK(mine.status == 0);
    CHECK(mine.err.find("resting baseline from the latest session of alex: " +
                        std::string(alex["baseline"]["hr_bpm"].dump())) != std::string::npos);
    CHECK(Json::parse(test::run("clients show sam --format json" + db).out)["sessions"] == 0);
}

TEST_CASE("a protocol runs headless: steps in order, the person reacts and recovers",
          "[protocol][run]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "p.db");
    const test::Run r = test::run("record --protocol demo --speed 500" + db);
    REQUIRE(r.status == 0);
    const auto lines = json_lines(r.out);
    std::vector<std::pair<std::string, double>> events;
    int seconds = 0;
    for (const Json& l : lines) {
        if (!l.contains("event")) {
            ++seconds;
            continue;
        }
        const std::string kind = l["event"];
        if (kind == "step_start" || kind == "step_end" || kind == "baseline" || kind == "protocol")
            events.emplace_back(kind + (l.contains("index") ? ":" + l["index"].dump() : ""),
                                l["t_s"].get<double>());
    }
    CHECK(seconds == 720);
    const std::vector<std::pair<std::string, double>> expected{
        {"protocol", 0},       {"step_start:0", 0}, {"step_end:0", 120},   {"step_start:1", 120},
        {"baseline", 120},     {"step_end:1", 180}, {"step_start:2", 180}, {"step_end:2", 360},
        {"step_start:3", 360}, {"step_end:3", 660}, {"step_start:4", 660}, {"step_end:4", 720}};
    CHECK(events == expected);
    const Json show = Json::parse(test::run("sessions show 1 --format json" + db).out);
    CHECK(show["protocol"] == "demo");
    REQUIRE(show["steps"].size() == 5);
    const Json& base = show["steps"][0]["stats"];
    const Json& stress = show["steps"][1]["stats"];
    const Json& rec = show["steps"][2]["stats"];
    // The simulated person rises by [person] stress_response_bpm = 15 toward the end of the
    // minute (time constant 8 s): the step's mean is about 15 x (1 - 8/60) = 13 bpm up.
    REQUIRE(stress["reactivity_bpm"].is_number());
    CHECK(stress["reactivity_bpm"].get<double>() == Approx(13).margin(4));
    CHECK(stress["mean_hr_bpm"].get<double>() - base["mean_hr_bpm"].get<double>() ==
          Approx(stress["reactivity_bpm"].get<double>()).margin(0.11));
    // ...and recovers with recovery_tau_s = 120 s.
    REQUIRE(rec["hr_recovery"].is_object());
    CHECK(rec["hr_recovery"]["tau_s"].get<double>() == Approx(120).margin(40));
    CHECK(rec.contains("reactivity_bpm") == false);
    CHECK(stress.contains("hr_recovery") == false);
    // A 1-minute step is too short for LF and HF, and says so.
    CHECK(stress["lf_ms2"].is_null());
    CHECK(stress["hf_ms2"].is_null());
    CHECK(stress["too_short"] ==
          Json({"hf_ms2", "lf_ms2", "lf_hf", "coherence_ratio_mean", "resp_rate_bpm"}));
    CHECK(show["steps"][3]["stats"]["lf_ms2"].is_number());
    // Paced 4-7-8 at 0.8-1.0 s per count is 3.2-3.9 breaths/min.
    CHECK(show["steps"][3]["stats"]["resp_rate_bpm"].get<double>() == Approx(3.5).margin(0.6));
    // The text view has the per-step table.
    const test::Run text = test::run("sessions show 1" + db);
    CHECK(text.out.find("Protocol demo") != std::string::npos);
    CHECK(text.out.find("Serial sevens") != std::string::npos);
    CHECK(text.out.find("reactivity") != std::string::npos);
}

TEST_CASE("each step's statistics equal `steady analyze --artifacts none` on its unflagged beats",
          "[protocol][stats]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "p.db");
    // A strap with ectopic and missed beats, so the steps have beats to leave out.
    const test::Run r = test::run(
        "record --sensor sim:trigger-recovery --protocol stress-profile --speed 1000 "
        "--quiet" +
        db);
    REQUIRE(r.status == 0);
    const Json show = Json::parse(test::run("sessions show 1 --format json" + db).out);
    const test::Run csv = test::run("sessions export 1 --format csv" + db);
    REQUIRE(csv.status == 0);
    struct Beat {
        double t, rr;
        int flags;
    };
    std::vector<Beat> beats;
    std::istringstream in(csv.out);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        Beat b{};
        REQUIRE(std::sscanf(line.c_str(), "%lf,%lf,%d", &b.t, &b.rr, &b.flags) == 3);
        beats.push_back(b);
    }
    REQUIRE(show["steps"].size() == 8);
    int flagged_total = 0;
    const auto close = [](const Json& ours, const Json& theirs) {
        if (ours.is_null()) return true;  // too short: not compared
        const double a = ours.get<double>(), b = theirs.get<double>();
        return std::abs(a - b) <= 0.01 * std::abs(b) + 0.051;  // 1 %, and the 0.1 rounding
    };
    for (const Json& step : show["steps"]) {
        INFO(step["name"]);
        const double from = step["start_s"], to = step["end_s"];
        const std::string file = dir / ("step" + step["index"].dump() + ".csv");
        {
            std::ofstream out(file);
            out << "t_s,rr_ms,flags\n";
            for (const Beat& b : beats) {
                if (b.t < from || b.t >= to) continue;
                if (b.flags & (4 | 8)) {  // suspected artifact, contact lost
                    ++flagged_total;
                    continue;
                }
                char buf[80];
                std::snprintf(buf, sizeof buf, "%.17g,%.17g,%d\n", b.t, b.rr, b.flags);
                out << buf;
            }
        }
        const test::Run a = test::run("analyze --artifacts none --format json " + file);
        REQUIRE(a.status == 0);
        const Json j = Json::parse(a.out);
        const Json& st = step["stats"];
        CHECK(close(st["mean_hr_bpm"], j["time"]["mean_hr_bpm"]));
        CHECK(close(st["sdnn_ms"], j["time"]["sdnn_ms"]));
        CHECK(close(st["rmssd_ms"], j["time"]["rmssd_ms"]));
        if (!j["frequency"].is_null()) {
            CHECK(close(st["hf_ms2"], j["frequency"]["hf_ms2"]));
            CHECK(close(st["lf_ms2"], j["frequency"]["lf_ms2"]));
            if (!st["lf_hf"].is_null())
                CHECK(std::abs(st["lf_hf"].get<double>() - j["frequency"]["lf_hf"].get<double>()) <=
                      0.01 * j["frequency"]["lf_hf"].get<double>() + 0.005);
        } else {
            CHECK(st["hf_ms2"].is_null());
        }
        if (!j["coherence"].is_null())
            CHECK(std::abs(st["coherence_ratio_mean"].get<double>() -
                           j["coherence"]["ratio_mean"].get<double>()) <=
                  0.01 * j["coherence"]["ratio_mean"].get<double>() + 0.005);
        if (!j["respiration"]["rate_bpm"].is_null())
            CHECK(close(st["resp_rate_bpm"], j["respiration"]["rate_bpm"]));
    }
    CHECK(flagged_total > 0);  // the comparison did leave beats out
}

TEST_CASE("the resonance assessment runs headless and --accept-rf stores the rate on the client",
          "[protocol][rf]") {
    test::TempDir dir;
    const std::string db = " --db " + (dir / "rf.db");
    REQUIRE(test::run("clients add alex" + db).status == 0);
    const test::Run r =
        test::run("record --protocol rf-assessment --client alex --accept-rf --speed 1000" + db);
    REQUIRE(r.status == 0);
    Json rf;
    for (const Json& l : json_lines(r.out))
        if (l.value("event", "") == "rf_result") rf = l;
    REQUIRE(rf.is_object());
    REQUIRE(rf["rates"].size() == 5);
    for (const Json& rate : rf["rates"]) {
        for (const char* k : {"bpm", "phase_deg", "peak_trough_bpm", "lf_ms2", "lf_peak_ms2_per_hz",
                              "smoothness", "lf_peaks"})
            CHECK(rate[k].is_number());
    }
    // The default simulated person resonates at 5.5 breaths/min.
    CHECK(rf["suggested_bpm"].get<double>() == Approx(5.5).margin(0.51));
    const Json alex = Json::parse(test::run("clients show alex --format json" + db).out);
    CHECK(alex["resonance_bpm"] == rf["suggested_bpm"]);
    // The resonance pattern now paces at the client's rate.
    const test::Run p = test::run(
        "record --client alex --pattern resonance --no-adapt --duration 5 --speed 100" + db);
    REQUIRE(p.status == 0);
    for (const Json& l : json_lines(p.out))
        if (l.value("event", "") == "pacer" && l["reason"] == "start")
            CHECK(l["cycle_s"].get<double>() ==
                  Approx(60.0 / rf["suggested_bpm"].get<double>()).margin(0.001));
    // --accept-rf needs an assessment.
    CHECK(test::run("record --accept-rf --duration 5" + db).status == 2);
}

TEST_CASE("a scenario shorter than the protocol keeps its person going to the protocol's end",
          "[protocol][run]") {
    test::TempDir dir;
    { std::ofstream(dir / "short.toml") << "name = \"short\"\nduration_s = 30\n"; }
    const test::Run r = test::run("record --sensor sim:" + (dir / "short.toml") +
                                  " --protocol demo --speed 500 --db " + (dir / "p.db"));
    REQUIRE(r.status == 0);
    int seconds = 0;
    for (const Json& l : json_lines(r.out)) seconds += !l.contains("event");
    CHECK(seconds == 720);
    CHECK(r.err.find("12:00 (the protocol's length)") != std::string::npos);
    // --duration still ends it first.
    const test::Run d =
        test::run("record --protocol demo --duration 100 --speed 500 --db " + (dir / "p.db"));
    REQUIRE(d.status == 0);
    seconds = 0;
    std::string last_end;
    for (const Json& l : json_lines(d.out)) {
        seconds += !l.contains("event");
        if (l.value("event", "") == "step_end") last_end = l["reason"];
    }
    CHECK(seconds == 100);
    CHECK(last_end == "ended");
}
