// Recovery history benchmarks: a year of daily 20-minute sessions (365 sessions, ~450,000
// beats, one trigger a day whose recovery shortens over the year) imported into a throwaway
// database the way `steady import` does; then `steady progress` over all of it from the stored
// per-episode results (target < 200 ms, the whole command as a user runs it), and fitting every
// stored episode again after a change of method (target < 5 s).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_table.h"
#include "drivers/sim/model.h"
#include "session/store.h"
#include "training/analyse_recording.h"

using namespace steady;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string steady_bin = argc > 1 ? argv[1] : "steady";
    char dir[] = "/tmp/steady-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    const std::string db_path = std::string(dir) + "/year.db";
    std::size_t beats = 0;
    const auto build0 = Clock::now();
    {
        Database db(db_path, Database::Open::create);
        const Client client = db.default_client();
        for (int day = 0; day < 365; ++day) {
            sim::Scenario s;
            s.params.seed = 1000 + static_cast<std::uint64_t>(day);
            const double tau = 240 * std::pow(45.0 / 240.0, day / 364.0);
            s.triggers.push_back({600, 22, 15, tau, 0.7, 0.3});
            sim::Model m(s);
            std::vector<double> rr;
            for (sim::TrueBeat b = m.next(); b.t_s < 1200; b = m.next()) rr.push_back(b.rr_ms);
            AnalysedRecording a = analyse_recording(rr, {});
            ImportedSession is;
            is.sensor = "import:bench";
            std::time_t t = 1767600000 + day * 86400;  // 2026-01-05, daily
            std::tm tm{};
            gmtime_r(&t, &tm);
            char at[32];
            std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
            is.started_at = at;
            is.duration_s = a.duration_s;
            is.source_hash = "bench-" + std::to_string(day);
            is.beats = std::move(a.beats);
            is.events = std::move(a.events);
            beats += is.beats.size();
            db.import_session(client, is);
        }
    }
    const double build_s = std::chrono::duration<double>(Clock::now() - build0).count();
    std::printf("recovery: 365 daily 20-min sessions, %zu beats, imported in %.1f s\n\n", beats,
                build_s);
    bench::header("value");
    std::vector<double> progress_ms;
    const std::string cmd = steady_bin + " progress --format json --db " + db_path + " >/dev/null";
    for (int i = 0; i < 5; ++i) progress_ms.push_back(bench::run_ms(cmd));
    bench::row("steady progress, a year of daily sessions (median of 5)",
               bench::percentile(progress_ms, 0.5), "ms", "< 200 ms");
    const auto refit0 = Clock::now();
    std::size_t episodes = 0;
    {
        Database db(db_path, Database::Open::existing);
        for (const StoredSession& s : db.list()) episodes += db.episodes(s.id, true).size();
    }
    const double refit_s = std::chrono::duration<double>(Clock::now() - refit0).count();
    char label[96];
    std::snprintf(label, sizeof label, "fit every stored episode again (%zu episodes)", episodes);
    bench::row(label, refit_s, "s", "< 5 s");
    std::filesystem::remove_all(dir);
    return 0;
}
