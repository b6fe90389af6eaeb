// Engine benchmarks: cost per beat (placement, screen, rolling metrics, periodic spectral
// refreshes, arousal, snapshot publication) over a simulated 24 hours, the cost of reading a
// snapshot, and the CPU share of a live 1x session (simulator thread + engine loop). Target:
// live session well under 1 % of one core. Run through tools/bench (Release).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_table.h"

#include "drivers/drivers.h"
#include "drivers/sim/model.h"
#include "engine/engine.h"
#include "training/training_session.h"

using namespace steady;
using bench::percentile;
using bench::row;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    const double live_s = argc > 1 ? std::atof(argv[1]) : 20.0;
    sim::Model model(sim::load_scenario("trigger-recovery"));
    sim::Artifacts artifacts(sim::load_scenario("trigger-recovery").params);
    std::vector<BeatEvent> events;
    for (double t = 0; t < 24 * 3600;) {
        const sim::TrueBeat b = model.next();
        t = b.t_s;
        artifacts.deliver(b, events);
    }
    std::printf("engine: %zu simulated beats (24 h, trigger-recovery scenario)\n\n", events.size());
    bench::header("value");

    Engine engine;
    std::vector<double> per_beat_us;
    per_beat_us.reserve(events.size());
    const auto all0 = Clock::now();
    for (const BeatEvent& e : events) {
        const auto t0 = Clock::now();
        engine.on_beat(e);
        per_beat_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (per_beat_us.size() % 64 == 0) engine.take_beats(), engine.take_events();
    }
    const double all_us = std::chrono::duration<double, std::micro>(Clock::now() - all0).count();
    row("engine: one beat, median (incl. snapshot publication)", percentile(per_beat_us, 0.5), "us",
        "");
    row("engine: one beat, 99th percentile", percentile(per_beat_us, 0.99), "us", "");
    row("engine: one beat, mean (spectral refreshes every 5 s)",
        all_us / static_cast<double>(events.size()), "us", "");

    double sink = 0;
    const auto r0 = Clock::now();
    constexpr int kReads = 1'000'000;
    for (int i = 0; i < kReads; ++i) sink += static_cast<double>(engine.snapshot()->beats);
    row("snapshot: read the latest (what the window does per frame)",
        std::chrono::duration<double, std::nano>(Clock::now() - r0).count() / kReads, "ns", "");

    // A live session at 1x: everything Steady runs while someone breathes with a strap (the
    // training session with its pacer and the store, into a throwaway database).
    char dir[] = "/tmp/steady-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    SessionPlan plan;
    plan.sensor = "sim:calm";
    plan.duration_s = live_s;
    plan.db_path = std::string(dir) + "/bench.db";
    plan.pacer = PacerSetup{pacer::builtin_patterns().front(), {}};
    TrainingSession session(plan, sensor_registry());
    const double cpu0 = cpu_seconds();
    const auto w0 = Clock::now();
    session.run();
    const double wall = std::chrono::duration<double>(Clock::now() - w0).count();
    for (const char* f : {"/bench.db", "/bench.db-wal", "/bench.db-shm"})
        std::remove((std::string(dir) + f).c_str());
    rmdir(dir);
    char label[96];
    std::snprintf(label, sizeof label,
                  "live session at 1x, sim:calm, %.0f s: CPU share of one core", live_s);
    row(label, 100 * (cpu_seconds() - cpu0) / wall, "%", "< 1 %");
    std::printf("\n(checksum %.3f)\n", sink);
    return 0;
}
