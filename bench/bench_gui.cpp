// Benchmark of the trainer window (run under Xvfb by tools/bench): CPU time the main thread spends
// building each frame's UI (ImGui calls, drawing lists; not the GL driver's rendering or the
// buffer swap) at 1920x1080 with every panel open, and resident memory after a 30-minute session
// (the simulator at 60x, so it takes 30 s).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "drivers/drivers.h"
#include "visuals/trainer_app.h"

namespace {
double rss_mb() {
    std::ifstream f("/proc/self/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}
double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}
}  // namespace

int main(int argc, char** argv) {
    const double session_s = argc > 1 ? std::atof(argv[1]) : 1800;
    char dir[] = "/tmp/steady-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    setenv("XDG_CONFIG_HOME", dir, 1);
    steady::TrainerOptions o;
    o.sensor = "sim:trigger-recovery";
    o.speed = 60;
    o.width = 1920;
    o.height = 1080;
    o.no_audio = true;
    o.exit_after_s = session_s;
    o.db = std::string(dir) + "/bench.db";
    steady::ui::TrainerApp app(o, steady::sensor_registry());
    app.run();
    const auto& us = app.frame_stats().build_us;
    // Skip the first frames (font atlas upload, first layout).
    std::vector<double> v(us.begin() + std::min<std::size_t>(us.size(), 30), us.end());
    if (v.empty()) {
        std::fprintf(stderr, "steady_bench_gui: too few frames; give a longer session\n");
        return 1;
    }
    std::printf(
        "| window frame, UI build CPU time (1920x1080, all panels) | median %.0f us, "
        "p95 %.0f us, %zu frames | < 1 ms |\n",
        pct(v, 0.5), pct(v, 0.95), v.size());
    std::printf("| resident memory after a %.0f-min session | %.0f MB | < 150 MB |\n",
                session_s / 60, rss_mb());
    std::string rm = std::string("rm -rf ") + dir;
    return std::system(rm.c_str()) == 0 ? 0 : 1;
}
