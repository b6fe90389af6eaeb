#include "cli/report.h"

#include "session/json_values.h"

#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

namespace steady::cli {

using nlohmann::ordered_json;
using namespace steady::hrv;

namespace {

ordered_json settings_json(const AnalysisSettings& s) {
    const SpectrumSettings& sp = s.spectrum;
    return {{"resample_hz", sp.resample_hz},
            {"interpolation", to_string(sp.interpolation)},
            {"detrend", to_string(sp.detrend)},
            {"lambda", sp.lambda},
            {"welch_segment_s", sp.segment_s},
            {"welch_overlap", sp.overlap},
            {"window", to_string(sp.window)},
            {"bands_hz",
             {{"vlf", {sp.vlf.lo_hz, sp.vlf.hi_hz}},
              {"lf", {sp.lf.lo_hz, sp.lf.hi_hz}},
              {"hf", {sp.hf.lo_hz, sp.hf.hi_hz}}}}};
}

ordered_json result_json(const AnalysisResult& r, const AnalysisSettings& s) {
    ordered_json j;
    j["beats"] = r.beats;
    j["duration_s"] = r.duration_s;
    ordered_json flagged = ordered_json::array();
    for (const FlaggedBeat& f : r.artifacts.flagged) {
        flagged.push_back({{"index", f.index}, {"type", to_string(f.type)}});
    }
    j["artifacts"] = {{"method", to_string(r.artifacts.method)},
                      {"flagged", flagged},
                      {"corrected", r.artifacts.corrected},
                      {"percent", r.artifacts.percent}};
    if (r.time) {
        const TimeDomain& t = *r.time;
        j["time"] = {{"mean_rr_ms", t.mean_rr_ms},
                     {"sdnn_ms", t.sdnn_ms},
                     {"rmssd_ms", t.rmssd_ms},
                     {"sdsd_ms", t.sdsd_ms},
                     {"nn50", t.nn50},
                     {"pnn50_pct", t.pnn50_pct},
                     {"nn20", t.nn20},
                     {"pnn20_pct", t.pnn20_pct},
                     {"mean_hr_bpm", t.mean_hr_bpm},
                     {"min_hr_bpm", t.min_hr_bpm},
                     {"max_hr_bpm", t.max_hr_bpm},
                     {"sd_hr_bpm", t.sd_hr_bpm},
                     {"triangular_index", t.triangular_index}};
    } else {
        j["time"] = nullptr;
    }
    if (r.frequency) {
        const FrequencyDomain& f = *r.frequency;
        j["frequency"] = {{"vlf_ms2", f.vlf_ms2},
                          {"lf_ms2", f.lf_ms2},
                          {"hf_ms2", f.hf_ms2},
                          {"total_ms2", f.total_ms2},
                          {"vlf_pct", f.vlf_pct},
                          {"lf_pct", f.lf_pct},
                          {"hf_pct", f.hf_pct},
                          {"lf_nu", f.lf_nu},
                          {"hf_nu", f.hf_nu},
                          {"lf_hf", json_or_null(f.lf_hf)},
                          {"vlf_peak_hz", f.vlf_peak_hz},
                          {"lf_peak_hz", f.lf_peak_hz},
                          {"hf_peak_hz", f.hf_peak_hz},
                          {"settings", settings_json(s)}};
    } else {
        j["frequency"] = nullptr;
    }
    const Nonlinear& n = r.nonlinear;
    j["nonlinear"] = {
        {"sd1_ms", json_or_null(n.sd1_ms)},         {"sd2_ms", json_or_null(n.sd2_ms)},
        {"sd2_sd1", json_or_null(n.sd2_sd1)},       {"dfa_alpha1", json_or_null(n.dfa_alpha1)},
        {"dfa_alpha2", json_or_null(n.dfa_alpha2)}, {"sampen", json_or_null(n.sampen)}};
    if (r.coherence) {
        j["coherence"] = {{"ratio_mean", r.coherence->ratio_mean},
                          {"score_mean", r.coherence->score_mean},
                          {"peak_hz", r.coherence->peak_hz}};
    } else {
        j["coherence"] = nullptr;
    }
    j["respiration"] = {{"rate_bpm", json_or_null(r.respiration_rate_bpm)}};
    j["warnings"] = r.warnings;
    return j;
}

std::string num(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string num(const std::optional<double>& v, int decimals) {
    return v ? num(*v, decimals) : std::string("-");
}

}  // namespace

ordered_json to_json(const FileReport& r, const AnalysisSettings& s) {
    ordered_json j;
    j["file"] = r.file;
    const ordered_json whole = result_json(r.result, s);
    for (auto it = whole.begin(); it != whole.end(); ++it) j[it.key()] = it.value();
    if (!r.windows.empty()) {
        ordered_json ws = ordered_json::array();
        for (const WindowResult& w : r.windows) {
            ordered_json wj = {{"start_s", w.start_s}, {"end_s", w.end_s}};
            const ordered_json part = result_json(w.result, s);
            for (auto it = part.begin(); it != part.end(); ++it) wj[it.key()] = it.value();
            ws.push_back(wj);
        }
        j["windows"] = ws;
    }
    return j;
}

std::string to_text(const FileReport& r, const AnalysisSettings& s) {
    const AnalysisResult& a = r.result;
    std::ostringstream o;
    auto row = [&](const std::string& label, const std::string& value, const std::string& unit) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %-26s %14s  %s\n", label.c_str(), value.c_str(),
                      unit.c_str());
        o << buf;
    };
    o << "HRV analysis: " << r.file << "\n";
    o << "  " << a.beats << " beats analysed (" << a.input_beats << " read), "
      << num(a.duration_s, 1) << " s\n\n";
    const SpectrumSettings& sp = s.spectrum;
    o << "Settings\n";
    row("Artifact correction", std::string(to_string(s.artifacts.method)), "");
    row("Interpolation", std::string(to_string(sp.interpolation)) + " " + num(sp.resample_hz, 1),
        "Hz");
    row("Detrending",
        std::string(to_string(sp.detrend)) +
            (sp.detrend == Detrend::smoothness_priors ? " l=" + num(sp.lambda, 0) : ""),
        "");
    row("Welch segment / overlap", num(sp.segment_s, 0) + " / " + num(100 * sp.overlap, 0),
        "s / %");
    o << "\nArtifacts\n";
    row("Flagged",
        std::to_string(a.artifacts.flagged.size()) + " (" + num(a.artifacts.percent, 2) + " %)",
        "beats");
    row("Corrected", std::to_string(a.artifacts.corrected), "beats");
    std::map<std::string, int> by_type;
    for (const FlaggedBeat& f : a.artifacts.flagged) ++by_type[std::string(to_string(f.type))];
    for (auto& [type, count] : by_type) row("  " + type, std::to_string(count), "");

    o << "\nTime domain\n";
    if (a.time) {
        const TimeDomain& t = *a.time;
        row("Mean RR", num(t.mean_rr_ms, 2), "ms");
        row("SDNN", num(t.sdnn_ms, 2), "ms");
        row("RMSSD", num(t.rmssd_ms, 2), "ms");
        row("SDSD", num(t.sdsd_ms, 2), "ms");
        row("NN50 / pNN50", std::to_string(t.nn50) + " / " + num(t.pnn50_pct, 2), "beats / %");
        row("NN20 / pNN20", std::to_string(t.nn20) + " / " + num(t.pnn20_pct, 2), "beats / %");
        row("Mean HR", num(t.mean_hr_bpm, 2), "beats/min");
        row("Min / Max HR", num(t.min_hr_bpm, 1) + " / " + num(t.max_hr_bpm, 1), "beats/min");
        row("SD HR", num(t.sd_hr_bpm, 2), "beats/min");
        row("RR triangular index", num(t.triangular_index, 3), "");
    } else {
        o << "  (not computed: see warnings)\n";
    }
    o << "\nFrequency domain (Welch FFT)\n";
    if (a.frequency) {
        const FrequencyDomain& f = *a.frequency;
        row("VLF power", num(f.vlf_ms2, 2),
            "ms2  (" + num(f.vlf_pct, 1) + " %, peak " + num(f.vlf_peak_hz, 4) + " Hz)");
        row("LF power", num(f.lf_ms2, 2),
            "ms2  (" + num(f.lf_pct, 1) + " %, " + num(f.lf_nu, 1) + " n.u., peak " +
                num(f.lf_peak_hz, 4) + " Hz)");
        row("HF power", num(f.hf_ms2, 2),
            "ms2  (" + num(f.hf_pct, 1) + " %, " + num(f.hf_nu, 1) + " n.u., peak " +
                num(f.hf_peak_hz, 4) + " Hz)");
        row("Total power", num(f.total_ms2, 2), "ms2");
        row("LF/HF", num(f.lf_hf, 3), "");
    } else {
        o << "  (not computed: see warnings)\n";
    }
    o << "\nNonlinear\n";
    const Nonlinear& n = a.nonlinear;
    row("Poincare SD1 / SD2", num(n.sd1_ms, 2) + " / " + num(n.sd2_ms, 2), "ms");
    row("SD2/SD1", num(n.sd2_sd1, 3), "");
    row("DFA alpha1 / alpha2", num(n.dfa_alpha1, 3) + " / " + num(n.dfa_alpha2, 3), "");
    row("Sample entropy", num(n.sampen, 3), "");
    o << "\nCoherence and breathing\n";
    if (a.coherence) {
        row("Coherence ratio (mean)", num(a.coherence->ratio_mean, 2), "");
        row("Coherence score (mean)", num(a.coherence->score_mean, 1), "of 16");
        row("Coherence peak (median)", num(a.coherence->peak_hz, 4), "Hz");
    } else {
        o << "  Coherence: not computed\n";
    }
    row("Breathing rate (RSA peak)", num(a.respiration_rate_bpm, 1), "breaths/min");
    if (!a.warnings.empty()) {
        o << "\nWarnings\n";
        for (const std::string& w : a.warnings) o << "  - " << w << "\n";
    }
    if (!r.windows.empty()) {
        o << "\nWindows (" << r.windows.size() << ")\n";
        o << "   start_s     end_s  beats   HR bpm  RMSSD ms   LF/HF  coherence\n";
        for (const WindowResult& w : r.windows) {
            char buf[160];
            const AnalysisResult& x = w.result;
            std::snprintf(buf, sizeof buf, "  %8.1f  %8.1f  %5zu  %7s  %8s  %6s  %9s\n", w.start_s,
                          w.end_s, x.beats, x.time ? num(x.time->mean_hr_bpm, 1).c_str() : "-",
                          x.time ? num(x.time->rmssd_ms, 2).c_str() : "-",
                          x.frequency ? num(x.frequency->lf_hf, 3).c_str() : "-",
                          x.coherence ? num(x.coherence->ratio_mean, 2).c_str() : "-");
            o << buf;
        }
    }
    return o.str();
}

std::string csv_header() {
    return "file,start_s,end_s,beats,artifacts,mean_rr_ms,sdnn_ms,rmssd_ms,pnn50_pct,mean_hr_bpm,"
           "vlf_ms2,lf_ms2,hf_ms2,lf_hf,lf_nu,hf_nu,sd1_ms,sd2_ms,dfa_alpha1,dfa_alpha2,sampen,"
           "coherence_ratio,resp_rate_bpm\n";
}

namespace {
std::string csv_field(const std::optional<double>& v) {
    return v ? num(*v, 6) : std::string();
}

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string csv_row(const std::string& file, double start_s, double end_s,
                    const AnalysisResult& a) {
    auto t = [&](auto member) -> std::optional<double> {
        return a.time ? std::optional<double>(static_cast<double>((*a.time).*member))
                      : std::nullopt;
    };
    auto f = [&](auto member) -> std::optional<double> {
        return a.frequency ? std::optional<double>((*a.frequency).*member) : std::nullopt;
    };
    const std::optional<double> lf_hf = a.frequency ? a.frequency->lf_hf : std::nullopt;
    std::vector<std::optional<double>> cols = {
        t(&TimeDomain::mean_rr_ms),
        t(&TimeDomain::sdnn_ms),
        t(&TimeDomain::rmssd_ms),
        t(&TimeDomain::pnn50_pct),
        t(&TimeDomain::mean_hr_bpm),
        f(&FrequencyDomain::vlf_ms2),
        f(&FrequencyDomain::lf_ms2),
        f(&FrequencyDomain::hf_ms2),
        lf_hf,
        f(&FrequencyDomain::lf_nu),
        f(&FrequencyDomain::hf_nu),
        a.nonlinear.sd1_ms,
        a.nonlinear.sd2_ms,
        a.nonlinear.dfa_alpha1,
        a.nonlinear.dfa_alpha2,
        a.nonlinear.sampen,
        a.coherence ? std::optional<double>(a.coherence->ratio_mean) : std::nullopt,
        a.respiration_rate_bpm};
    std::string row = csv_quote(file) + "," + num(start_s, 3) + "," + num(end_s, 3) + "," +
                      std::to_string(a.beats) + "," + std::to_string(a.artifacts.flagged.size());
    for (const auto& c : cols) {
        row += ',';
        row += csv_field(c);
    }
    return row + "\n";
}
}  // namespace

std::string csv_rows(const FileReport& r) {
    std::string out;
    if (r.windows.empty()) return csv_row(r.file, 0.0, r.result.duration_s, r.result);
    for (const WindowResult& w : r.windows) out += csv_row(r.file, w.start_s, w.end_s, w.result);
    return out;
}

}  // namespace steady::cli
