// Report benchmark: a 1-hour session recorded from the simulator (an hour-long protocol of 12
// five-minute steps: baseline, stressors, recoveries, paced breathing), then
// `steady report` on it as a user runs it, the whole command (open the database, compute the
// figures, draw and write the PDF): median of 5 runs, target < 1 s. Also the EDF+ export.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_table.h"

int main(int argc, char** argv) {
    const std::string steady_bin = argc > 1 ? argv[1] : "steady";
    char dir[] = "/tmp/steady-bench-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    const std::string db = std::string(dir) + "/hour.db";
    // A user's protocol file: 12 steps of 5 minutes.
    std::filesystem::create_directories(std::string(dir) + "/config/steady/protocols");
    {
        FILE* f =
            std::fopen((std::string(dir) + "/config/steady/protocols/hour.toml").c_str(), "w");
        if (!f) return 1;
        std::fprintf(f, "name = \"hour\"\ndescription = \"an hour\"\n");
        const char* kinds[] = {"baseline", "stressor", "recovery", "paced"};
        for (int i = 0; i < 12; ++i)
            std::fprintf(f, "[[step]]\nname = \"Step %d\"\nkind = \"%s\"\nduration_s = 300\n%s",
                         i + 1, kinds[i % 4], i % 4 == 3 ? "pattern = \"resonance\"\n" : "");
        std::fclose(f);
    }
    const std::string env = "XDG_CONFIG_HOME=" + std::string(dir) + "/config ";
    if (steady::bench::run_ms(
            env + steady_bin +
            " record --sensor sim:trigger-recovery --protocol hour --duration 3600 "
            "--speed 2000 --quiet --db " +
            db + " >/dev/null 2>&1") < 0) {
        std::fprintf(stderr, "bench_report: recording the session failed\n");
        return 1;
    }
    std::vector<double> report, edf;
    for (int i = 0; i < 5; ++i) {
        report.push_back(steady::bench::run_ms(env + steady_bin + " report 1 --force -o " + dir +
                                               "/r.pdf --db " + db + " 2>/dev/null"));
        edf.push_back(steady::bench::run_ms(env + steady_bin +
                                            " sessions export 1 --format edf --force -o " + dir +
                                            "/s.edf --db " + db + " 2>/dev/null"));
    }
    std::error_code ec;
    const auto pdf_kb =
        static_cast<double>(std::filesystem::file_size(std::string(dir) + "/r.pdf", ec)) / 1024;
    steady::bench::header("value");
    steady::bench::row("steady report, 1-hour protocol session (median of 5)",
                       steady::bench::percentile(report, 0.5), "ms", "< 1000 ms");
    steady::bench::row("  its PDF", pdf_kb, "KiB", "");
    steady::bench::row("steady sessions export --format edf, same session (median)",
                       steady::bench::percentile(edf, 0.5), "ms", "");
    if (const char* keep = std::getenv("STEADY_BENCH_KEEP_PDF"))
        std::filesystem::copy_file(std::string(dir) + "/r.pdf", keep,
                                   std::filesystem::copy_options::overwrite_existing, ec);
    std::filesystem::remove_all(dir, ec);
    return 0;
}
