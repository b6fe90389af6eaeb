#include "cli/analyze_command.h"

#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/progress.h"
#include "cli/report.h"
#include "hrv/analysis.h"
#include "io/rr_file.h"

namespace steady::cli {

namespace {

struct AnalyzeOptions {
    std::vector<std::string> files;
    std::string format = "text";
    double window_s = 0;
    double step_s = 0;
    std::string artifacts = "none";
    std::string units = "auto";
    hrv::AnalysisSettings settings;
    std::string interp = "cubic";
    std::string detrend = "smoothness";
};

int run(AnalyzeOptions& o) {
    using namespace steady::hrv;
    static const std::map<std::string, ArtifactMethod> artifact_methods{
        {"none", ArtifactMethod::none},
        {"auto", ArtifactMethod::automatic},
        {"low", ArtifactMethod::threshold_low},
        {"medium", ArtifactMethod::threshold_medium},
        {"strong", ArtifactMethod::threshold_strong}};
    o.settings.artifacts.method = artifact_methods.at(o.artifacts);
    o.settings.spectrum.interpolation =
        o.interp == "linear" ? Interpolation::linear : Interpolation::cubic;
    o.settings.spectrum.detrend = o.detrend == "none"     ? Detrend::none
                                  : o.detrend == "linear" ? Detrend::linear
                                                          : Detrend::smoothness_priors;
    const io::Units units = o.units == "ms"  ? io::Units::ms
                            : o.units == "s" ? io::Units::s
                                             : io::Units::detect;
    if (o.step_s > 0 && o.window_s <= 0) {
        std::cerr << "steady analyze: --step needs --window\n";
        return 2;
    }
    if (o.window_s > 0 && o.step_s <= 0) o.step_s = o.window_s;

    Analyzer analyzer(o.settings);
    std::vector<FileReport> reports;
    try {
        for (const std::string& file : o.files) {
            io::RrRecording rec = io::read_rr_file(file, units);
            FileReport r;
            r.file = file == "-" ? "<stdin>" : file;
            r.result = analyzer.analyze(rec.rr_ms, rec.t_s);
            if (o.window_s > 0) {
                ProgressBar bar("analyze " + r.file);
                r.windows = analyzer.analyze_windows(
                    rec.rr_ms, rec.t_s, o.window_s, o.step_s,
                    [&](std::size_t d, std::size_t t) { bar.update(d, t); });
            }
            reports.push_back(std::move(r));
        }
    } catch (const io::InputError& e) {
        std::cerr << "steady analyze: " << e.what() << "\n";
        return 2;
    }

    // Rendered in full before anything is written, so a failure never leaves half an output.
    std::string out;
    if (o.format == "json") {
        if (reports.size() == 1) {
            out = to_json(reports[0], o.settings).dump(2);
        } else {
            nlohmann::ordered_json all = nlohmann::ordered_json::array();
            for (const FileReport& r : reports) all.push_back(to_json(r, o.settings));
            out = all.dump(2);
        }
        out += "\n";
    } else if (o.format == "csv") {
        out = csv_header();
        for (const FileReport& r : reports) out += csv_rows(r);
    } else {
        for (std::size_t i = 0; i < reports.size(); ++i) {
            if (i) out += "\n";
            out += to_text(reports[i], o.settings);
        }
    }
    std::cout << out << std::flush;
    return std::cout ? 0 : 1;
}

}  // namespace

void add_analyze_command(CLI::App& app, int* status) {
    auto o = std::make_shared<AnalyzeOptions>();
    CLI::App* cmd =
        app.add_subcommand("analyze", "HRV analysis of RR-interval files (Kubios conventions)");
    cmd->add_option("FILE", o->files,
                    "RR files: one value per line, CSV with a header, Kubios or "
                    "Polar exports; - reads standard input")
        ->required();
    cmd->add_option("--format", o->format, "Output format")
        ->check(CLI::IsMember({"text", "json", "csv"}))
        ->capture_default_str();
    const CLI::Validator seconds(
        [](std::string& v) -> std::string {
            double x = 0;
            try {
                x = std::stod(v);
            } catch (const std::exception&) {
                return "\"" + v + "\" is not a number of seconds";
            }
            return x >= 10 && x <= 86400 ? "" : v + " s is outside 10 to 86400 s";
        },
        "SECONDS");
    cmd->add_option("--window", o->window_s, "Sliding window length in seconds")->check(seconds);
    cmd->add_option("--step", o->step_s, "Sliding window step in seconds (default: the window)")
        ->check(seconds);
    cmd->add_option("--artifacts", o->artifacts,
                    "Artifact correction: none (report only), auto (Lipponen & Tarvainen), "
                    "low|medium|strong (Kubios threshold)")
        ->check(CLI::IsMember({"none", "auto", "low", "medium", "strong"}))
        ->capture_default_str();
    cmd->add_option("--units", o->units, "Units of RR values in the file (auto: by magnitude)")
        ->check(CLI::IsMember({"auto", "ms", "s"}))
        ->capture_default_str();
    hrv::SpectrumSettings& sp = o->settings.spectrum;
    cmd->add_option("--resample-hz", sp.resample_hz, "Resampling rate for the spectrum")
        ->check(CLI::Range(0.5, 64.0))
        ->capture_default_str();
    cmd->add_option("--interp", o->interp, "Tachogram interpolation")
        ->check(CLI::IsMember({"cubic", "linear"}))
        ->capture_default_str();
    cmd->add_option("--detrend", o->detrend, "Detrending before the spectrum")
        ->check(CLI::IsMember({"smoothness", "none", "linear"}))
        ->capture_default_str();
    cmd->add_option("--lambda", sp.lambda, "Smoothness-priors lambda")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    cmd->add_option("--welch-segment-s", sp.segment_s, "Welch segment length in seconds")
        ->check(CLI::Range(8.0, 3600.0))
        ->capture_default_str();
    cmd->add_option("--welch-overlap", sp.overlap, "Welch overlap as a fraction, 0 to 0.95")
        ->check(CLI::Range(0.0, 0.95))
        ->capture_default_str();
    cmd->callback([o, status] { *status = run(*o); });
}

}  // namespace steady::cli
