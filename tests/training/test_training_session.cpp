// The one training session (src/training): driven headless it gives exactly what `steady record`
// gives; scenarios end by themselves; a live sensor is never sped up; the grounding offer reads
// the running pacer and is stored.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "drivers/drivers.h"
#include "session/event_json.h"
#include "session/journal.h"
#include "support/cli_run.h"
#include "training/training_session.h"

using namespace steady;

namespace {

SessionPlan plan_for(const std::string& sensor, const std::string& db, double speed) {
    SessionPlan p;
    p.sensor = sensor;
    p.db_path = db;
    p.speed = speed;
    p.pacer = PacerSetup{pacer::builtin_patterns().front(), {}};  // 4-7-8, as record's default
    return p;
}

}  // namespace

TEST_CASE("a headless session gives the beats, events and summary `record` gives",
          "[training][cli]") {
    test::TempDir dir;
    const std::string args = "--sensor sim:trigger-recovery --duration 900 --speed 600";
    const test::Run rec = test::run("record " + args + " --db " + (dir / "cli.db"));
    INFO(rec.err);
    REQUIRE(rec.status == 0);

    SessionPlan plan = plan_for("sim:trigger-recovery", dir / "api.db", 600);
    plan.duration_s = 900;
    TrainingSession session(plan, sensor_registry());
    std::vector<nlohmann::ordered_json> printed;  // what a reader of the callbacks sees
    session.callbacks.on_event = [&](const Event& e) { printed.push_back(event_object(e)); };
    const SessionSummary summary = session.run();
    REQUIRE(session.stored());

    Database cli(dir / "cli.db", Database::Open::existing);
    Database api(dir / "api.db", Database::Open::existing);
    const SessionRecord a = cli.load(1), b = api.load(session.id());
    REQUIRE(a.beats.size() == b.beats.size());
    CHECK(a.beats.size() > 900);
    for (std::size_t i = 0; i < a.beats.size(); ++i) {
        CHECK(a.beats[i].t_s == b.beats[i].t_s);
        CHECK(a.beats[i].rr_ms == b.beats[i].rr_ms);
        CHECK(a.beats[i].flags == b.beats[i].flags);
    }
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        INFO(i << ": " << event_object(a.events[i]).dump());
        CHECK(event_object(b.events[i]) == printed[i]);  // stored in the order shown
        // A sensor's state changes come from its own thread at real-time moments; everything
        // else is a function of the beats and the pacer.
        if (a.events[i].as<SensorEvent>()) {
            CHECK(event_fields(a.events[i]) == event_fields(b.events[i]));
            continue;
        }
        CHECK(event_object(a.events[i]) == event_object(b.events[i]));
    }
    CHECK(summary_json(cli.summary(1)) == summary_json(summary));
    CHECK(summary_json(api.summary(session.id())) == summary_json(summary));
    CHECK(summary.surges_detected == 1);
    CHECK(summary.duration_s == 900);
    // The view the window reads holds the same events and the summary at the end.
    const auto view = session.view();
    CHECK(view->state == SessionView::State::ended);
    REQUIRE(view->summary);
    CHECK(view->events->size() == b.events.size());
    // record printed the summary on stderr.
    CHECK_THAT(rec.err, Catch::Contains("triggers") && Catch::Contains("1 detected") &&
                            Catch::Contains("recovered in"));
}

TEST_CASE("a scenario ends at its own length, and without one it runs until --duration",
          "[training]") {
    test::TempDir dir;
    {
        TrainingSession s(plan_for("sim:trigger-recovery", dir / "s.db", 5000), sensor_registry());
        CHECK(s.end_s() == 1800);
        CHECK(s.run().duration_s == 1800);
    }
    std::ofstream(dir / "short.toml") << "name = \"short\"\nduration_s = 40\n";
    std::ofstream(dir / "open.toml") << "name = \"open\"\n";
    {
        SessionPlan p = plan_for("sim:" + (dir / "short.toml"), dir / "s.db", 200);
        p.duration_s = 100;  // the scenario's 40 s comes first
        TrainingSession s(p, sensor_registry());
        CHECK(s.run().duration_s == 40);
    }
    {
        SessionPlan p = plan_for("sim:" + (dir / "open.toml"), dir / "s.db", 200);
        TrainingSession s(p, sensor_registry());
        CHECK(std::isinf(s.end_s()));  // a person to practise with, until stopped
        p.duration_s = 30;
        TrainingSession t(p, sensor_registry());
        CHECK(t.run().duration_s == 30);
    }
    // The command line: no --duration, and the story ends by itself.
    const test::Run r =
        test::run("record --sensor sim:trigger-recovery --speed 5000 --db " + (dir / "c.db"));
    REQUIRE(r.status == 0);
    std::istringstream lines(r.out);
    int seconds = 0;
    for (std::string line; std::getline(lines, line);)
        seconds += line.find("\"event\"") == std::string::npos;
    CHECK(seconds == 1800);
}

TEST_CASE("a live sensor is never sped up: refused before anything opens", "[training][cli]") {
    test::TempDir dir;
    for (const char* sensor : {"ble", "ble:AA:BB:CC:DD:EE:FF", "ant"}) {
        const test::Run r = test::run(std::string("record --sensor ") + sensor +
                                      " --speed 10 --db " + (dir / "s.db"));
        INFO(r.err);
        CHECK(r.status == 2);
        CHECK_THAT(r.err, Catch::Contains("--speed 10 applies to the simulator and replay only"));
        CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
    }
    // The window takes the same rule, before it opens (no display needed to be refused).
    const test::Run w = test::run("--sensor ble --speed 10 --db " + (dir / "s.db"), "",
                                  "env -u DISPLAY -u WAYLAND_DISPLAY");
    if (w.err.find("no trainer window") == std::string::npos) {  // a build with the window
        CHECK(w.status == 2);
        CHECK_THAT(w.err, Catch::Contains("applies to the simulator and replay only"));
    }
    CHECK_THROWS_AS(TrainingSession(plan_for("ble", dir / "s.db", 3), sensor_registry()),
                    PlanError);
    CHECK_FALSE(std::filesystem::exists(dir / "s.db"));
}

TEST_CASE("grounding is offered when arousal stays high at the pacer's fastest count, and stored",
          "[training]") {
    test::TempDir dir;
    // A large, slow surge at 3 minutes, the person not following the pacer.
    std::ofstream(dir / "surge.toml") << "name = \"surge\"\nduration_s = 900\n"
                                         "[[trigger]]\nat_s = 180\nrise_bpm = 45\n"
                                         "tau_s = 3000\nrsa_suppression = 0.9\n";
    SessionPlan p = plan_for("sim:" + (dir / "surge.toml"), dir / "s.db", 600);
    TrainingSession s(p, sensor_registry());
    std::vector<Event> seen;
    double fastest_at = -1;
    s.callbacks.on_event = [&](const Event& e) {
        seen.push_back(e);
        if (const auto* pe = e.as<PacerEvent>())
            if (pe->count_s && *pe->count_s <= p.pacer->adapt.fast_count_s + 1e-9 && fastest_at < 0)
                fastest_at = pe->effective_s.value_or(e.t_s);
        if (e.as<GroundingOfferedEvent>()) s.accept_grounding();
    };
    const SessionSummary summary = s.run();
    double offered = -1, accepted = -1;
    for (const Event& e : seen) {
        if (e.as<GroundingOfferedEvent>() && offered < 0) offered = e.t_s;
        if (e.as<GroundingAcceptedEvent>() && accepted < 0) accepted = e.t_s;
    }
    INFO("fastest from " << fastest_at << ", offered " << offered << ", accepted " << accepted);
    REQUIRE(fastest_at > 0);
    REQUIRE(offered > 0);
    CHECK(offered >= fastest_at + TrainingSession::kGroundingAfterS - 1);
    CHECK(accepted >= offered);
    CHECK(summary.grounding_offered >= 1);
    // Stored with the session.
    Database db(dir / "s.db", Database::Open::existing);
    int stored_offers = 0;
    for (const Event& e : db.load(s.id()).events)
        stored_offers += e.as<GroundingOfferedEvent>() != nullptr;
    CHECK(stored_offers == summary.grounding_offered);
}

TEST_CASE("a protocol run takes the clinician's next, repeat, extend and pause",
          "[training][protocol]") {
    test::TempDir dir;
    SessionPlan plan;
    plan.sensor = "sim";
    plan.db_path = dir / "p.db";
    plan.speed = 50;
    for (const auto& p : protocol::builtin_protocols())
        if (p.name == "demo") plan.protocol = p;
    TrainingSession session(plan, sensor_registry());
    std::vector<Event> events;
    session.callbacks.on_event = [&](const Event& e) { events.push_back(e); };
    std::thread runner([&] { session.run(); });
    const auto wait_until = [&](double t_s) {
        while (!session.view()->protocol || session.view()->reached_s < t_s)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    };
    wait_until(30);
    session.next_step();  // baseline cut short: the stressor starts now
    wait_until(40);
    auto v = session.view();
    REQUIRE(v->protocol->index == 1);
    const double stress_start = v->protocol->step_start_s;
    CHECK(stress_start > 29);
    CHECK(stress_start < 40);
    CHECK(v->protocol->step_end_s == Approx(stress_start + 60));
    session.extend_step(30);
    wait_until(45);
    CHECK(session.view()->protocol->step_end_s == Approx(stress_start + 90));
    session.set_protocol_paused(true);
    wait_until(55);
    v = session.view();
    CHECK(v->protocol->paused);
    CHECK(std::isinf(session.end_s()));  // paused: the end waits
    // The time left stands still while paused (what the clinician's panel shows).
    CHECK(v->protocol->left_s(55) == v->protocol->left_s(500));
    CHECK(v->protocol->left_s(55) > 0);
    session.set_protocol_paused(false);
    wait_until(60);
    v = session.view();
    const double stress_end = v->protocol->step_end_s;
    CHECK(stress_end > stress_start + 90 + 9);  // the pause did not count
    // The remaining steps (recovery 180, paced 300, free 60) follow the stressor's new end.
    CHECK(session.end_s() == Approx(stress_end + 540));
    session.repeat_step();
    wait_until(70);
    v = session.view();
    CHECK(v->protocol->index == 1);
    CHECK(v->protocol->step_start_s > 59);
    session.end();
    runner.join();
    REQUIRE(session.stored());
    std::vector<std::string> ends;
    for (const Event& e : events)
        if (const auto* s = e.as<StepEndEvent>()) ends.push_back(s->reason);
    CHECK(ends == std::vector<std::string>{"next", "repeat", "ended"});
    int starts = 0;
    for (const Event& e : events) starts += e.as<StepStartEvent>() != nullptr;
    CHECK(starts == 3);
    // The baseline came from the (shortened) baseline step: it ends when the step did.
    bool baseline = false;
    for (const Event& e : events)
        if (e.as<BaselineEvent>()) {
            baseline = true;
            CHECK(e.t_s == Approx(stress_start));
        }
    CHECK(baseline);
    // The stored summary has the three steps run.
    Database db(dir / "p.db", Database::Open::existing);
    CHECK(db.summary(session.id()).steps.size() == 3);
}

TEST_CASE("beats that cannot be saved are warned of, kept, and end the session at the limit",
          "[training][journal]") {
    test::TempDir dir;
    const std::string db = dir / "s.db";
    SessionPlan plan = plan_for("sim:calm", db, 50);
    plan.unsaved_limit_s = 300;  // a day in use; five minutes here
    TrainingSession session(plan, sensor_registry());
    // From second 20 another program holds the database's write lock, and never lets go.
    sqlite3* holder = nullptr;
    session.callbacks.on_second = [&](double second, const Snapshot&,
                                      const std::optional<PacerReport>&) {
        if (second >= 20 && !holder) {
            REQUIRE(sqlite3_open(db.c_str(), &holder) == SQLITE_OK);
            REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) ==
                    SQLITE_OK);
        }
    };
    std::vector<std::string> warnings;
    session.callbacks.on_warning = [&](const std::string& w) { warnings.push_back(w); };
    std::vector<PlacedBeat> beats;
    session.callbacks.on_beat = [&](const PlacedBeat& b) { beats.push_back(b); };
    const auto t0 = std::chrono::steady_clock::now();
    session.run();
    const double real_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK_FALSE(session.stored());
    // Warned once when it began (and at most once a minute after), then the limit, then the end.
    REQUIRE(warnings.size() >= 3);
    CHECK(warnings.size() <= 3 + static_cast<std::size_t>(real_s / 60));
    const std::string journal = journal_path(db, session.id());
    CHECK_THAT(warnings[0], Catch::Contains("database is locked") &&
                                Catch::Contains("not yet saved, kept in memory and in " + journal));
    CHECK_THAT(warnings[warnings.size() - 2],
               Catch::Contains("hours of beats could not be saved to the database: the session "
                               "ends here, into " +
                               journal));
    CHECK_THAT(warnings.back(), Catch::Contains(journal + " keeps them"));
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    // It ended at the limit: 300 s after the newest beat the database holds, checked at each
    // commit (every half real second, plus its 0.1-s wait for the lock: 30 s of session time
    // at 50x), plus up to 10 s for the loop to stop.
    double saved_until = 0;
    {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(holder, "SELECT MAX(t_s) FROM beats", -1, &st, nullptr) ==
                SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        saved_until = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(holder);
    const double ended_at = session.view()->summary->duration_s;
    CHECK(ended_at - saved_until >= 300);
    CHECK(ended_at - saved_until <= 300 + 30 + 10);

    Database next(db, Database::Open::existing);
    REQUIRE(next.notices().size() == 1);
    CHECK_THAT(next.notices()[0],
               Catch::StartsWith("merged ") && Catch::Contains("from " + journal) &&
                   Catch::EndsWith("into session " + std::to_string(session.id()) + " (complete)"));
    const SessionRecord r = next.load(session.id());
    REQUIRE(r.beats.size() == beats.size());
    for (std::size_t i = 0; i < beats.size(); ++i) {
        if (r.beats[i].t_s != beats[i].t_s || r.beats[i].rr_ms != beats[i].rr_ms) {
            FAIL("beat " << i << " differs");
        }
    }
    CHECK(r.session.state == "complete");
}
