// Every event kind round-trips through the store and through the JSON Lines printer, and the
// printer rounds numbers to what they mean.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>

#include "cli/json_out.h"
#include "session/event_json.h"
#include "session/store.h"
#include "support/cli_run.h"

using namespace steady;

namespace {

// One event of every kind, with values that are not round numbers.
std::vector<Event> one_of_each() {
    PacerEvent change;
    change.reason = "arousal";
    change.pattern = "4-7-8";
    change.from_count_s = 1.0;
    change.count_s = 0.9;
    change.cycle_s = 17.1;
    change.effective_s = 646.912;
    change.arousal = 0.645;
    change.breathing_bpm = 3.8;
    PacerEvent adaptation;
    adaptation.reason = "adaptation";
    adaptation.pattern = "box";
    adaptation.adaptation = false;
    return {
        {121.148, BaselineEvent{64.8, 25.2, 3.9}},
        {616.0, TriggerEvent{88.9, 24.5, 0.365, 601.0}},
        {616.5, TriggerEvent{88.9, 24.5, 0.365, std::nullopt}},
        {745.0, RecoveredEvent{74.5, 113.0, 88.25, 601.0}},
        {605.25, MarkEvent{91.2, 0.41}},
        {606.0, MarkEvent{std::nullopt, std::nullopt}},
        {640.5, JournalEvent{605.25, "delayed reply", "tightness, racing heart",
                             "they are pulling away", 7, "paced breathing, walking", 3}},
        {628.0, change},
        {629.0, adaptation},
        {700.0, PausedEvent{}},
        {730.0, ResumedEvent{}},
        {800.0, GroundingOfferedEvent{0.71}},
        {805.5, GroundingAcceptedEvent{}},
        {1200.25, GroundingDismissedEvent{}},
        {0.082, SensorEvent{SensorState::reconnecting, "strap out of range"}},
        {1300.5, GapEvent{4.75}},
        {1301.5, SyncEvent{"away", "server host=/run/x: connection refused"}},
        {0.0, ProtocolEvent{"demo", 5}},
        {120.0, StepStartEvent{1, "Serial sevens", "stressor", 60.0}},
        {180.0, StepEndEvent{1, "Serial sevens", "stressor", "done"}},
        {1320.5, RfResultEvent{5.5,
                               {RfRate{6.5, -48.3, 17.2, 10281.7, 383211.0, 0.93, 1, 0.24},
                                RfRate{5.5, 3.1, 23.5, 13705.2, 546673.0, 0.98, 2, 0.89}},
                               "the rule"}},
    };
}

}  // namespace

TEST_CASE("events: every kind is covered and documented once", "[session][events]") {
    std::set<std::string> kinds;
    for (const Event& e : one_of_each()) kinds.insert(kind_of(e));
    const auto listed = event_kinds();
    CHECK(kinds == std::set<std::string>(listed.begin(), listed.end()));
    // The README's event table lists every kind.
    std::ifstream readme(std::string(STEADY_TEST_DATA) + "/../../README.md");
    const std::string text((std::istreambuf_iterator<char>(readme)), {});
    for (const std::string& k : listed) {
        INFO(k);
        CHECK(text.find("| `" + k + "` |") != std::string::npos);
    }
}

TEST_CASE("events: every kind round-trips through the store", "[session][events]") {
    test::TempDir dir;
    const auto events = one_of_each();
    std::int64_t id = 0;
    {
        Database db(dir / "s.db", Database::Open::create);
        auto rec = db.begin_recording(db.default_client(), "sim", 1);
        id = rec->id();
        rec->add_events(events);
        REQUIRE_FALSE(rec->commit());
    }
    Database db(dir / "s.db", Database::Open::existing);
    const SessionRecord d = db.load(id);
    REQUIRE(d.events.size() == events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        INFO(kind_of(events[i]));
        CHECK(d.events[i].t_s == events[i].t_s);
        CHECK(d.events[i].data.index() == events[i].data.index());
        CHECK(event_fields(d.events[i]) == event_fields(events[i]));
    }
}

TEST_CASE("events: every kind round-trips through the JSON Lines printer", "[session][events]") {
    for (const Event& e : one_of_each()) {
        const auto line = nlohmann::json::parse(cli::event_line(e).dump());
        INFO(line.dump());
        REQUIRE(line["event"] == kind_of(e));
        const Event back =
            event_from_fields(line["t_s"].get<double>(), line["event"].get<std::string>(), line);
        CHECK(back.data.index() == e.data.index());
        // The values chosen are already at the printer's precision, so they come back equal.
        CHECK(event_fields(back) == event_fields(e));
        CHECK(back.t_s == e.t_s);
    }
}

TEST_CASE("JSON Lines numbers are rounded to what they mean", "[cli][events]") {
    nlohmann::ordered_json j{
        {"t_s", 700.123456},
        {"rr_ms", 786.2927969185697},
        {"hr_bpm", 80.4567},
        {"rmssd_ms", 25.200000000000003},
        {"hf_ms2", 783.4567},
        {"coherence_ratio", 1.87654},
        {"lf_hf", 0.13456},
        {"arousal", {{"level", 0.52345}, {"band", "activated"}}},
        {"pacer", {{"count_s", 0.6880000000000001}, {"phase_progress", 0.41234}}},
        {"summary",
         {{"coherence_s", {{"low", 95.00000001}}},
          {"recovery_s", {128.3594, 60.00049}},
          {"artifacts_pct", 0.8986}}},
        {"beats", 771}};
    cli::round_numbers(j);
    CHECK(j.dump() == R"({"t_s":700.123,"rr_ms":786.2927969185697,"hr_bpm":80.5,"rmssd_ms":25.2,)"
                      R"("hf_ms2":783.5,"coherence_ratio":1.88,"lf_hf":0.135,)"
                      R"("arousal":{"level":0.523,"band":"activated"},)"
                      R"("pacer":{"count_s":0.688,"phase_progress":0.412},)"
                      R"("summary":{"coherence_s":{"low":95.0},"recovery_s":[128.359,60.0],)"
                      R"("artifacts_pct":0.9},"beats":771})");
}
