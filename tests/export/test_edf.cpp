// EDF+ export: the signals against their analytic values (linear RR between beats, the pacer's
// phase from its events, a gap held, an artifact left out), read back by EDFlib's read API and by
// an independent reader (MNE-Python) with the same annotations and values within the digital
// resolution; the file is private and never replaces another without --force.
#include <catch2/catch.hpp>

#include <edflib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "export/edf.h"
#include "sensor/sensor.h"
#include "support/cli_run.h"

using namespace steady;
using namespace steady::exporting;

namespace {

// 300 s: beats every ~0.8 s with a known RR; one artifact at beat 50; a 10-s gap from 200 s;
// a 4-7-8 pacer from 30 s at count 0.625 (cycle 11.875 s), paused 100-110 s, changed to count
// 0.75 (cycle 14.25 s) effective at 150 s; a protocol step 0-60 s; a mark and a trigger.
SessionRecord synthetic() {
    SessionRecord r;
    r.session.id = 4;
    r.session.client = "client-a";
    r.session.sensor = "sim:calm";
    r.session.started_at = "2026-12-01T08:00:00Z";
    r.session.duration_s = 300;
    double t = 0;
    int i = 0;
    while (t < 299) {
        const double rr = 800 + 50 * std::sin(0.1 * i);
        std::uint32_t flags = 0;
        if (t >= 200 && t < 210) {
            t = 210;  // nothing arrives for 10 s
            flags = kBeatGapBefore;
        }
        t += rr / 1000;
        if (i == 50) flags |= kBeatSuspectedArtifact;
        r.beats.push_back({t, i == 50 ? 400.0 : rr, flags});
        ++i;
    }
    r.events.push_back({0, StepStartEvent{0, "Resting baseline", "baseline", 60}});
    PacerEvent start;
    start.reason = "start";
    start.pattern = "4-7-8";
    start.count_s = 0.625;
    start.cycle_s = 0.625 * 19;
    r.events.push_back({30, start});
    r.events.push_back({42.5, MarkEvent{80.0, 0.4}});
    r.events.push_back({60, StepEndEvent{0, "Resting baseline", "baseline", "done"}});
    r.events.push_back({70, TriggerEvent{90, 12, 0.5, 65.0}});
    r.events.push_back({100, PausedEvent{}});
    r.events.push_back({110, ResumedEvent{}});
    PacerEvent change;
    change.reason = "arousal";
    change.pattern = "4-7-8";
    change.from_count_s = 0.625;
    change.count_s = 0.75;
    change.cycle_s = 0.75 * 19;
    change.effective_s = 150;
    r.events.push_back({140, change});
    r.events.push_back({210, GapEvent{10}});
    return r;
}

double pacer_truth(double t) {
    const double c1 = 0.625 * 19, c2 = 0.75 * 19;
    if (t < 30) return 0;
    if (t < 100) return std::fmod(t - 30, c1) / c1;
    const double frozen = std::fmod(70.0, c1) / c1;
    if (t < 110) return frozen;
    if (t < 150) return std::fmod(frozen * c1 + (t - 110), c1) / c1;
    return std::fmod(t - 150, c2) / c2;
}

}  // namespace

TEST_CASE("edf: the signals are the beats resampled, the pacer's phase and held gaps",
          "[export][edf]") {
    const SessionRecord r = synthetic();
    const EdfSignals s = edf_signals(r);
    REQUIRE(s.rr_ms.size() == 300 * kEdfRateHz);
    std::size_t checked = 0;
    for (std::size_t j = 0; j < s.rr_ms.size(); ++j) {
        const double t = static_cast<double>(j) / kEdfRateHz;
        // The clean beats around t (the artifact is not one of them).
        const PlacedBeat* a = nullptr;
        const PlacedBeat* b = nullptr;
        for (const PlacedBeat& x : r.beats) {
            if (x.flags & kBeatSuspectedArtifact) continue;
            if (x.t_s <= t) a = &x;
            if (x.t_s > t) {
                b = &x;
                break;
            }
        }
        double want = 0;
        if (!a)
            want = b->rr_ms;
        else if (!b)
            want = a->rr_ms;
        else if (t >= 200 && t <= 210.9)  // the gap: held (until the first beat after it)
            want = a->rr_ms;
        else
            want = a->rr_ms + (t - a->t_s) / (b->t_s - a->t_s) * (b->rr_ms - a->rr_ms);
        INFO("t = " << t);
        REQUIRE(s.rr_ms[j] == Approx(want).margin(1e-9));
        REQUIRE(s.hr_bpm[j] == Approx(60000 / want).epsilon(1e-12));
        REQUIRE(s.pacer_phase[j] == Approx(pacer_truth(t)).margin(1e-9));
        ++checked;
    }
    CHECK(checked == 1200);
    // The artifact (400 ms) never shows.
    CHECK(*std::min_element(s.rr_ms.begin(), s.rr_ms.end()) > 740);

    const auto notes = edf_annotations(r);
    REQUIRE(notes.size() == 6);
    CHECK(notes[0].text == "step: Resting baseline");
    CHECK(notes[0].duration_s == 60);
    CHECK(notes[1].text == "pacer: 4-7-8 0.625");
    CHECK(notes[1].onset_s == 30);
    CHECK(notes[2].text == "trigger mark");
    CHECK(notes[3].text == "trigger detected");
    CHECK(notes[4].text == "pacer: 4-7-8 0.75");
    CHECK(notes[4].onset_s == 150);  // when it took effect
    CHECK(notes[5].text == "gap");
    CHECK(notes[5].onset_s == 200);
    CHECK(notes[5].duration_s == 10);
}

TEST_CASE("edf: EDFlib reads the file back, private, with the same values and annotations",
          "[export][edf]") {
    test::TempDir dir;
    const std::string path = dir / "s.edf";
    const SessionRecord r = synthetic();
    const mode_t old = ::umask(0);
    write_edf(r, path, false);
    ::umask(old);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_THROWS_WITH(write_edf(r, path, false), Catch::Contains("exists; --force"));
    CHECK_NOTHROW(write_edf(r, path, true));

    edf_hdr_struct hdr{};
    REQUIRE(edfopen_file_readonly(path.c_str(), &hdr, EDFLIB_READ_ALL_ANNOTATIONS) == 0);
    CHECK(hdr.filetype == EDFLIB_FILETYPE_EDFPLUS);
    REQUIRE(hdr.edfsignals == 3);
    CHECK(std::string(hdr.signalparam[0].label).rfind("RR interval", 0) == 0);
    CHECK(std::string(hdr.signalparam[1].label).rfind("Heart rate", 0) == 0);
    CHECK(std::string(hdr.signalparam[2].label).rfind("Pacer phase", 0) == 0);
    CHECK(std::string(hdr.signalparam[0].physdimension).rfind("ms", 0) == 0);
    CHECK(hdr.datarecords_in_file == 300);
    CHECK(hdr.startdate_year == 2026);
    CHECK(hdr.starttime_hour == 8);
    CHECK(std::string(hdr.patient_name) == "client-a");
    const EdfSignals s = edf_signals(r);
    const std::vector<double>* want[] = {&s.rr_ms, &s.hr_bpm, &s.pacer_phase};
    const EdfRange ranges[] = {kRrRange, kHrRange, kPhaseRange};
    for (int i = 0; i < 3; ++i) {
        CHECK(hdr.signalparam[i].smp_in_file == 1200);
        std::vector<double> got(1200);
        REQUIRE(edfread_physical_samples(hdr.handle, i, 1200, got.data()) == 1200);
        double worst = 0;
        for (std::size_t j = 0; j < got.size(); ++j)
            worst = std::max(worst, std::abs(got[j] - (*want[i])[j]));
        INFO("signal " << i);
        CHECK(worst <= ranges[i].resolution());  // within one digital step
    }
    const auto notes = edf_annotations(r);
    REQUIRE(hdr.annotations_in_file == static_cast<long long>(notes.size()));
    for (std::size_t n = 0; n < notes.size(); ++n) {
        edf_annotation_struct a{};
        REQUIRE(edf_get_annotation(hdr.handle, static_cast<int>(n), &a) == 0);
        CHECK(std::string(a.annotation) == notes[n].text);
        // Read back in units of 100 ns.
        CHECK(a.onset == std::llround(notes[n].onset_s * EDFLIB_TIME_DIMENSION));
        if (notes[n].duration_s >= 0)
            CHECK(a.duration_l == std::llround(notes[n].duration_s * EDFLIB_TIME_DIMENSION));
    }
    edfclose_file(hdr.handle);
}

TEST_CASE("edf: MNE-Python reads a recorded protocol session's export the same way",
          "[export][edf][cli]") {
    if (std::system("/usr/bin/python3 -c 'import mne' 2>/dev/null") != 0) {
        FAIL("python3-mne is missing (tools/setup installs it)");
    }
    test::TempDir dir;
    const std::string db = dir / "s.db", edf = dir / "s.edf";
    const test::Run rec = test::run(
        "record --sensor sim:trigger-recovery --protocol demo --speed 500 --quiet --db " + db);
    REQUIRE(rec.status == 0);
    const test::Run ex = test::run("sessions export 1 --format edf -o " + edf + " --db " + db);
    INFO(ex.err);
    REQUIRE(ex.status == 0);
    const std::string script = dir / "read.py";
    std::ofstream(script) << R"(import json, sys, mne
raw = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose="error")
print(json.dumps({"channels": raw.ch_names, "sfreq": raw.info["sfreq"],
                  "data": raw.get_data().tolist(),
                  "annotations": [[float(a["onset"]), float(a["duration"]), a["description"]]
                                  for a in raw.annotations]}))
)";
    const std::string out = dir / "read.json";
    REQUIRE(std::system(("/usr/bin/python3 " + script + " " + edf + " > " + out).c_str()) == 0);
    std::ifstream in(out);
    const nlohmann::json j = nlohmann::json::parse(in);
    CHECK(j["channels"] == nlohmann::json({"RR interval", "Heart rate", "Pacer phase"}));
    CHECK(j["sfreq"] == 4.0);
    Database store(db, Database::Open::existing);
    const SessionRecord r = store.load(1);
    const EdfSignals s = edf_signals(r);
    // MNE gives SI units: ms as s (volts-like scaling is not applied to non-voltage units).
    const std::vector<double>* want[] = {&s.rr_ms, &s.hr_bpm, &s.pacer_phase};
    const EdfRange ranges[] = {kRrRange, kHrRange, kPhaseRange};
    for (int i = 0; i < 3; ++i) {
        const auto& got = j["data"][i];
        REQUIRE(got.size() == want[i]->size());
        double worst = 0;
        for (std::size_t k = 0; k < got.size(); ++k)
            worst = std::max(worst, std::abs(got[k].get<double>() - (*want[i])[k]));
        INFO("signal " << i);
        CHECK(worst <= ranges[i].resolution());
    }
    // MNE orders annotations by onset alone: compare both ordered by onset, then text.
    auto notes = edf_annotations(r);
    std::sort(notes.begin(), notes.end(), [](const EdfAnnotation& x, const EdfAnnotation& y) {
        return std::tie(x.onset_s, x.text) < std::tie(y.onset_s, y.text);
    });
    auto read = j["annotations"].get<std::vector<nlohmann::json>>();
    std::sort(read.begin(), read.end(), [](const nlohmann::json& x, const nlohmann::json& y) {
        return std::make_pair(x[0].get<double>(), x[2].get<std::string>()) <
               std::make_pair(y[0].get<double>(), y[2].get<std::string>());
    });
    REQUIRE(read.size() == notes.size());
    std::size_t steps = 0;
    for (std::size_t n = 0; n < notes.size(); ++n) {
        const auto& a = read[n];
        CHECK(a[2] == notes[n].text);
        CHECK(a[0].get<double>() == Approx(notes[n].onset_s).margin(1e-4));
        if (notes[n].duration_s >= 0)
            CHECK(a[1].get<double>() == Approx(notes[n].duration_s).margin(1e-4));
        if (notes[n].text.rfind("step: ", 0) == 0) ++steps;
    }
    CHECK(steps == 5);  // the demo protocol's five steps
}
