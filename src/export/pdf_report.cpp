#include "export/pdf_report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <langinfo.h>

#include <algorithm>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "app/clock_text.h"
#include "app/private_file.h"
#include "hrv/coherence.h"
#include "hrv/spectrum.h"
#include "recovery/series.h"
#include "sensor/sensor.h"
#include "session/iso_time.h"
#include "steady_version.h"

namespace steady::exporting {

Paper paper_from_locale() {
    // LC_PAPER from the environment, without changing the program's other categories.
    const char* old = std::setlocale(LC_PAPER, nullptr);
    const std::string saved = old ? old : "C";
    Paper p = Paper::a4;
    if (std::setlocale(LC_PAPER, "")) {
#ifdef _NL_PAPER_WIDTH
        const auto width =
            static_cast<int>(reinterpret_cast<std::intptr_t>(nl_langinfo(_NL_PAPER_WIDTH)));
        if (width == 216) p = Paper::letter;
#endif
    }
    std::setlocale(LC_PAPER, saved.c_str());
    return p;
}

const char* to_string(Paper p) {
    return p == Paper::letter ? "letter" : "a4";
}

void release_font_caches() {
    cairo_debug_reset_static_data();
    FcFini();
}

namespace {

constexpr const char* kFont = "DejaVu Sans";

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
std::string opt(const std::optional<double>& v, const char* f) {
    return v ? fmt(f, *v) : std::string("--");
}

// A page-based writer: cairo on a PDF surface, a cursor going down the page.
class Doc {
  public:
    Doc(const std::string& path, Paper paper) {
        w_ = paper == Paper::letter ? 612 : 595.28;
        h_ = paper == Paper::letter ? 792 : 841.89;
        surface_ = cairo_pdf_surface_create(path.c_str(), w_, h_);
        cr_ = cairo_create(surface_);
        if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
            throw ExportError(path + ": cannot create the PDF: " +
                              cairo_status_to_string(cairo_surface_status(surface_)));
        cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR,
                                       (std::string("Steady ") + kSteadyVersion).c_str());
        y_ = kMargin;
        page_ = 1;
    }
    ~Doc() {
        if (cr_) cairo_destroy(cr_);
        if (surface_) cairo_surface_destroy(surface_);
    }
    Doc(const Doc&) = delete;
    Doc& operator=(const Doc&) = delete;

    void finish(const std::string& path, const std::string& footer) {
        page_footer(footer);
        cairo_show_page(cr_);
        cairo_destroy(cr_);
        cr_ = nullptr;
        cairo_surface_finish(surface_);
        const cairo_status_t st = cairo_surface_status(surface_);
        cairo_surface_destroy(surface_);
        surface_ = nullptr;
        if (st != CAIRO_STATUS_SUCCESS)
            throw ExportError(path + ": the PDF could not be written (" +
                              cairo_status_to_string(st) + "; disk full?)");
    }

    static constexpr double kMargin = 42;
    double left() const { return kMargin; }
    double width() const { return w_ - 2 * kMargin; }
    double y() const { return y_; }
    void down(double dy) { y_ += dy; }
    int page() const { return page_; }
    cairo_t* cr() { return cr_; }

    // Starts a new page when `need` points do not fit on this one.
    void need(double need, const std::string& footer) {
        if (y_ + need <= h_ - kMargin - 14) return;
        page_footer(footer);
        cairo_show_page(cr_);
        ++page_;
        y_ = kMargin;
    }

    void font(double size, bool bold = false) {
        cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr_, size);
    }
    double text_width(const std::string& s) {
        cairo_text_extents_t e;
        cairo_text_extents(cr_, s.c_str(), &e);
        return e.x_advance;
    }
    void text(double x, double y, const std::string& s, double grey = 0) {
        cairo_set_source_rgb(cr_, grey, grey, grey);
        cairo_move_to(cr_, x, y);
        cairo_show_text(cr_, s.c_str());
    }
    void text_right(double x, double y, const std::string& s, double grey = 0) {
        text(x - text_width(s), y, s, grey);
    }
    void text_centre(double x, double y, const std::string& s, double grey = 0) {
        text(x - text_width(s) / 2, y, s, grey);
    }
    // Text cut to `max_w` with an ellipsis.
    std::string fit(std::string s, double max_w) {
        if (text_width(s) <= max_w) return s;
        while (!s.empty() && text_width(s + "...") > max_w) s.pop_back();
        return s + "...";
    }
    // Wrapped paragraph at the cursor; returns its height.
    void paragraph(const std::string& s, double size, double grey = 0, double indent = 0) {
        font(size);
        const double max_w = width() - indent;
        std::string line, word;
        const auto flush = [&] {
            text(left() + indent, y_ + size, line, grey);
            y_ += size * 1.35;
            line.clear();
        };
        for (std::size_t i = 0; i <= s.size(); ++i) {
            if (i == s.size() || s[i] == ' ') {
                const std::string trial = line.empty() ? word : line + " " + word;
                if (text_width(trial) > max_w && !line.empty()) {
                    flush();
                    line = word;
                } else {
                    line = trial;
                }
                word.clear();
            } else {
                word += s[i];
            }
        }
        if (!line.empty()) flush();
    }
    void heading(const std::string& s, const std::string& footer, double room = 60) {
        need(room, footer);
        y_ += 6;
        font(11, true);
        text(left(), y_ + 11, s);
        y_ += 17;
    }

  private:
    void page_footer(const std::string& footer) {
        font(7);
        text(left(), h_ - kMargin + 16, footer, 0.35);
        text_right(left() + width(), h_ - kMargin + 16, "page " + std::to_string(page_), 0.35);
    }

    cairo_surface_t* surface_ = nullptr;
    cairo_t* cr_ = nullptr;
    double w_ = 0, h_ = 0, y_ = 0;
    int page_ = 0;
};

// A plot area with axes: data coordinates to page coordinates.
struct Plot {
    double x, y, w, h;      // page box of the data area
    double x0, x1, y0, y1;  // data ranges
    double px(double v) const { return x + (v - x0) / (x1 - x0) * w; }
    double py(double v) const { return y + h - (v - y0) / (y1 - y0) * h; }
};

void set_grey(cairo_t* cr, double g) {
    cairo_set_source_rgb(cr, g, g, g);
}

// "Nice" tick step for a range.
double nice_step(double range, int ticks) {
    const double raw = range / ticks;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) return m * mag;
    return 10 * mag;
}

// Tick labels: plain, with k for thousands so they stay narrow.
std::string tick_text(double v, double step) {
    if (std::abs(v) >= 10000) return fmt("%.0fk", v / 1000);
    return fmt(step < 1 ? "%.2g" : "%.0f", v);
}

// `x_unit`: the size of one x label unit in data units (60 when seconds are labelled in
// minutes), so ticks fall on whole minutes.
void axes(Doc& d, const Plot& p, const std::string& xlabel, const std::string& ylabel,
          const std::function<std::string(double)>& xtick, int xticks = 8, int yticks = 4,
          double x_unit = 1) {
    cairo_t* cr = d.cr();
    cairo_set_line_width(cr, 0.5);
    set_grey(cr, 0);
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_stroke(cr);
    d.font(6.5);
    const double xs = nice_step((p.x1 - p.x0) / x_unit, xticks) * x_unit;
    for (double v = std::ceil(p.x0 / xs) * xs; v <= p.x1 + 1e-9; v += xs) {
        cairo_move_to(cr, p.px(v), p.y + p.h);
        cairo_line_to(cr, p.px(v), p.y + p.h + 2.5);
        cairo_stroke(cr);
        d.text_centre(p.px(v), p.y + p.h + 9.5, xtick(v));
    }
    const double ys = nice_step(p.y1 - p.y0, yticks);
    for (double v = std::ceil(p.y0 / ys) * ys; v <= p.y1 + 1e-9; v += ys) {
        set_grey(cr, 0.8);
        cairo_set_line_width(cr, 0.3);
        cairo_move_to(cr, p.x, p.py(v));
        cairo_line_to(cr, p.x + p.w, p.py(v));
        cairo_stroke(cr);
        set_grey(cr, 0);
        cairo_set_line_width(cr, 0.5);
        d.text_right(p.x - 3, p.py(v) + 2.3, tick_text(v, ys));
    }
    d.font(7);
    d.text_centre(p.x + p.w / 2, p.y + p.h + 19, xlabel, 0.2);
    cairo_save(cr);
    cairo_move_to(cr, p.x - 24, p.y + p.h / 2 + d.text_width(ylabel) / 2);
    cairo_rotate(cr, -M_PI / 2);
    set_grey(cr, 0.2);
    cairo_show_text(cr, ylabel.c_str());
    cairo_restore(cr);
}

std::string minutes_tick(double s) {
    return fmt("%g", s / 60);
}

struct Steps {
    std::vector<protocol::StepStats> steps;
};

bool clean(const PlacedBeat& b) {
    return !(b.flags & (kBeatSuspectedArtifact | kBeatContactLost)) && b.rr_ms > 0;
}

// The tachogram: RR over the whole session, steps shaded, marks and surges drawn in, artifacts
// as crosses, gaps hatched.
void tachogram(Doc& d, const SessionReportInput& in, double height) {
    std::vector<double> rr;
    for (const PlacedBeat& b : in.beats)
        if (clean(b)) rr.push_back(b.rr_ms);
    const double duration = std::max(in.summary.duration_s, 1.0);
    double lo = 400, hi = 1200;
    if (rr.size() > 10) {
        std::vector<double> s = rr;
        std::sort(s.begin(), s.end());
        lo = s[s.size() / 100];
        hi = s[s.size() - 1 - s.size() / 100];
        const double pad = std::max(20.0, 0.08 * (hi - lo));
        lo -= pad;
        hi += pad;
    }
    const Plot p{d.left() + 34, d.y() + 14, d.width() - 40, height, 0, duration, lo, hi};
    cairo_t* cr = d.cr();
    // Steps: alternate shades, the name at the top.
    for (std::size_t i = 0; i < in.summary.steps.size(); ++i) {
        const auto& st = in.summary.steps[i];
        set_grey(cr, i % 2 ? 0.97 : 0.90);
        cairo_rectangle(cr, p.px(st.start_s), p.y, p.px(st.end_s) - p.px(st.start_s), p.h);
        cairo_fill(cr);
        d.font(6);
        const double room = p.px(st.end_s) - p.px(st.start_s) - 3;
        d.text(p.px(st.start_s) + 1.5, p.y - 3,
               d.fit(std::to_string(st.index + 1) + " " + st.name, room), 0.25);
    }
    // Gaps: hatched.
    for (const Event& e : in.events)
        if (const auto* g = e.as<GapEvent>()) {
            const double a = p.px(std::max(0.0, e.t_s - g->missing_s)), b = p.px(e.t_s);
            cairo_save(cr);
            cairo_rectangle(cr, a, p.y, std::max(b - a, 0.8), p.h);
            cairo_clip(cr);
            set_grey(cr, 0.55);
            cairo_set_line_width(cr, 0.4);
            for (double x = a - p.h; x < b; x += 3) {
                cairo_move_to(cr, x, p.y + p.h);
                cairo_line_to(cr, x + p.h, p.y);
            }
            cairo_stroke(cr);
            cairo_restore(cr);
        }
    // Marks (dashed) and surges (dotted) with a letter at the foot.
    for (const Event& e : in.events) {
        const bool mark = e.as<MarkEvent>() != nullptr, surge = e.as<TriggerEvent>() != nullptr;
        if (!mark && !surge) continue;
        const double x = p.px(e.t_s);
        const double dash[] = {mark ? 3.0 : 0.8, mark ? 2.0 : 1.6};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, 0.8);
        set_grey(cr, 0.1);
        cairo_move_to(cr, x, p.y);
        cairo_line_to(cr, x, p.y + p.h);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        d.font(6, true);
        d.text_centre(x, p.y + p.h - 3, mark ? "M" : "S", 0.1);
    }
    // The RR line over clean beats, broken at gaps and rejected beats.
    cairo_save(cr);
    cairo_rectangle(cr, p.x, p.y, p.w, p.h);
    cairo_clip(cr);
    set_grey(cr, 0);
    cairo_set_line_width(cr, 0.45);
    bool pen = false;
    for (const PlacedBeat& b : in.beats) {
        if (!clean(b) || (b.flags & kBeatGapBefore)) {
            if (pen) cairo_stroke(cr);
            pen = false;
            if (!clean(b)) continue;
        }
        if (!pen) {
            cairo_move_to(cr, p.px(b.t_s), p.py(b.rr_ms));
            pen = true;
        } else {
            cairo_line_to(cr, p.px(b.t_s), p.py(b.rr_ms));
        }
    }
    if (pen) cairo_stroke(cr);
    // Artifacts: crosses at their value (clipped to the plot).
    cairo_set_line_width(cr, 0.5);
    set_grey(cr, 0.35);
    for (const PlacedBeat& b : in.beats) {
        if (clean(b)) continue;
        const double x = p.px(b.t_s), y = p.py(std::clamp(b.rr_ms, lo, hi));
        cairo_move_to(cr, x - 1.6, y - 1.6);
        cairo_line_to(cr, x + 1.6, y + 1.6);
        cairo_move_to(cr, x - 1.6, y + 1.6);
        cairo_line_to(cr, x + 1.6, y - 1.6);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    axes(d, p, "time (min)", "RR (ms)", minutes_tick, 8, 4, 60);
    d.down(height + 14 + 30);
    d.font(6.5);
    d.text(d.left(), d.y(),
           "M: trigger marked   S: surge detected   x: beat set aside as a suspected artifact"
           "   hatched: no beats (gap)" +
               std::string(in.summary.steps.empty() ? "" : "   shaded: protocol steps"),
           0.3);
    d.down(10);
}

// The per-step table: the numbers `sessions show` prints, in Kubios vocabulary with units.
void step_table(Doc& d, const std::vector<protocol::StepStats>& steps, const std::string& footer) {
    struct Col {
        const char* head;
        const char* unit;
        double w;
    };
    const Col cols[] = {{"#", "", 12},         {"Step", "", 90},       {"Kind", "", 40},
                        {"Time", "min:s", 52}, {"Mean HR", "bpm", 40}, {"SDNN", "ms", 30},
                        {"RMSSD", "ms", 34},   {"LF", "ms\u00b2", 34}, {"HF", "ms\u00b2", 34},
                        {"LF/HF", "", 28},     {"Coh.", "ratio", 28},  {"Resp.", "/min", 26},
                        {"Artif.", "%", 28}};
    const double row_h = 10;
    d.need(row_h * (static_cast<double>(steps.size()) + 3), footer);
    cairo_t* cr = d.cr();
    double x = d.left();
    d.font(6.8, true);
    for (const Col& c : cols) {
        d.text(x, d.y() + 7, c.head);
        x += c.w;
    }
    d.down(row_h);
    d.font(6.2);
    x = d.left();
    for (const Col& c : cols) {
        d.text(x, d.y() + 6, c.unit, 0.3);
        x += c.w;
    }
    d.down(row_h - 2);
    set_grey(cr, 0);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, d.left(), d.y());
    cairo_line_to(cr, d.left() + d.width(), d.y());
    cairo_stroke(cr);
    d.down(2);
    for (const protocol::StepStats& st : steps) {
        if (st.index % 2) {
            set_grey(cr, 0.94);
            cairo_rectangle(cr, d.left(), d.y(), d.width(), row_h);
            cairo_fill(cr);
        }
        const std::string cells[] = {std::to_string(st.index + 1),
                                     st.name,
                                     st.kind,
                                     clock_text(st.start_s) + "-" + clock_text(st.end_s),
                                     opt(st.mean_hr_bpm, "%.1f"),
                                     opt(st.sdnn_ms, "%.1f"),
                                     opt(st.rmssd_ms, "%.1f"),
                                     opt(st.lf_ms2, "%.0f"),
                                     opt(st.hf_ms2, "%.0f"),
                                     opt(st.lf_hf, "%.2f"),
                                     opt(st.coherence_ratio_mean, "%.2f"),
                                     opt(st.resp_rate_bpm, "%.1f"),
                                     fmt("%.1f", st.artifacts_pct)};
        x = d.left();
        d.font(6.8);
        for (std::size_t i = 0; i < std::size(cols); ++i) {
            d.text(x, d.y() + 7.2, d.fit(cells[i], cols[i].w - 3));
            x += cols[i].w;
        }
        d.down(row_h);
    }
    d.down(3);
    for (const protocol::StepStats& st : steps) {
        std::string note;
        if (st.kind == "stressor" && st.reactivity_bpm)
            note = std::to_string(st.index + 1) + " " + st.name + ": reactivity " +
                   opt(st.reactivity_bpm, "%+.1f") + " bpm over the baseline";
        if (st.kind == "recovery")
            note = std::to_string(st.index + 1) + " " + st.name +
                   (st.hr_recovery
                        ? ": heart rate half-way back in " + clock_text(st.hr_recovery->t50_s) +
                              " (t90 " + clock_text(st.hr_recovery->t90_s) + ", tau " +
                              fmt("%.0f", st.hr_recovery->tau_s) + " s, R\u00b2 " +
                              fmt("%.2f", st.hr_recovery->r2) + ")"
                        : ": no recovery curve (" + st.hr_recovery_reason + ")");
        if (!note.empty()) d.paragraph(note, 7.5);
    }
    d.paragraph(
        "--: the step is too short for the metric (HF needs 60 s of beats, LF and LF/HF 120 s, "
        "coherence one 64-s window). Coh.: mean HeartMath coherence ratio. Resp.: breathing rate "
        "from the RSA peak.",
        6.5, 0.3);
}

// Coherence ratio over time, with the bands of the session's challenge level.
void coherence_plot(Doc& d, const SessionReportInput& in, double height) {
    std::vector<double> t, rr;
    for (const PlacedBeat& b : in.beats)
        if (clean(b)) {
            t.push_back(b.t_s);
            rr.push_back(b.rr_ms);
        }
    hrv::FftPlanCache plans;
    const auto windows = hrv::coherence_windows(t, rr, hrv::CoherenceSettings{}, plans);
    const auto th = hrv::coherence_thresholds(in.summary.challenge);
    double top = th.high_from * 1.8;
    for (const auto& w : windows) top = std::max(top, std::min(w.window.ratio * 1.1, 20.0));
    const Plot p{d.left() + 34,
                 d.y() + 4,
                 d.width() - 76,
                 height,
                 0,
                 std::max(in.summary.duration_s, 1.0),
                 0,
                 top};
    cairo_t* cr = d.cr();
    const struct {
        double from, to, grey;
        const char* name;
    } bands[] = {{0, th.medium_from, 1.0, "low"},
                 {th.medium_from, th.high_from, 0.91, "medium"},
                 {th.high_from, top, 0.82, "high"}};
    double label_y = p.y + p.h + 8;  // labels go up from the bottom, at least 8 pt apart
    for (const auto& b : bands) {
        set_grey(cr, b.grey);
        cairo_rectangle(cr, p.x, p.py(b.to), p.w, p.py(b.from) - p.py(b.to));
        cairo_fill(cr);
        d.font(6.5);
        label_y = std::min((p.py(b.from) + p.py(b.to)) / 2 + 2.3, label_y - 8);
        d.text(p.x + p.w + 4, label_y, std::string(b.name) + " (" + fmt("%.1f", b.from) + "+)",
               0.2);
    }
    set_grey(cr, 0);
    cairo_set_line_width(cr, 0.8);
    bool pen = false;
    double last_end = -1;
    for (const auto& w : windows) {
        const double v = std::min(w.window.ratio, top);
        if (pen && w.end_s - last_end > 5.5) {  // a stretch without windows: break the line
            cairo_stroke(cr);
            pen = false;
        }
        if (!pen)
            cairo_move_to(cr, p.px(w.end_s), p.py(v));
        else
            cairo_line_to(cr, p.px(w.end_s), p.py(v));
        pen = true;
        last_end = w.end_s;
    }
    if (pen) cairo_stroke(cr);
    axes(d, p, "time (min)", "coherence ratio", minutes_tick, 8, 4, 60);
    d.down(height + 4 + 26);
    const auto& c = in.summary.coherence_s;
    const double total = std::max(c[0] + c[1] + c[2], 1e-9);
    d.paragraph("Time at each level (challenge level " + std::to_string(in.summary.challenge) +
                    "): low " + fmt("%.0f", 100 * c[0] / total) + " %, medium " +
                    fmt("%.0f", 100 * c[1] / total) + " %, high " +
                    fmt("%.0f", 100 * c[2] / total) + " % (" + clock_text(c[2]) + ").",
                8);
}

// One small spectrum: Welch PSD 0-0.5 Hz with the LF and HF bands shaded.
void spectrum_plot(Doc& d, double x, double y, double w, double h, const std::string& title,
                   const hrv::FrequencyDomain& fd) {
    const auto& sp = fd.spectrum;
    double top = 1;
    for (std::size_t k = 0; k < sp.psd_ms2_hz.size(); ++k)
        if (sp.freq_hz(k) <= 0.5) top = std::max(top, sp.psd_ms2_hz[k]);
    const Plot p{x + 30, y + 10, w - 36, h, 0, 0.5, 0, top * 1.1};
    cairo_t* cr = d.cr();
    set_grey(cr, 0.86);
    cairo_rectangle(cr, p.px(0.04), p.y, p.px(0.15) - p.px(0.04), p.h);
    cairo_fill(cr);
    set_grey(cr, 0.94);
    cairo_rectangle(cr, p.px(0.15), p.y, p.px(0.4) - p.px(0.15), p.h);
    cairo_fill(cr);
    set_grey(cr, 0);
    cairo_set_line_width(cr, 0.7);
    bool first = true;
    for (std::size_t k = 0; k < sp.psd_ms2_hz.size() && sp.freq_hz(k) <= 0.5; ++k) {
        if (first)
            cairo_move_to(cr, p.px(sp.freq_hz(k)), p.py(sp.psd_ms2_hz[k]));
        else
            cairo_line_to(cr, p.px(sp.freq_hz(k)), p.py(sp.psd_ms2_hz[k]));
        first = false;
    }
    cairo_stroke(cr);
    d.font(6);
    d.text(p.px(0.045), p.y + 7, "LF", 0.3);
    d.text(p.px(0.155), p.y + 7, "HF", 0.3);
    d.font(7, true);
    d.text(x, y + 5, d.fit(title, w - 4));
    axes(
        d, p, "Hz", "", [](double v) { return fmt("%.1f", v); }, 5, 3);
}

void spectra(Doc& d, const SessionReportInput& in, const std::string& footer) {
    struct Part {
        std::string title;
        double from, to;
    };
    std::vector<Part> parts;
    for (const auto& st : in.summary.steps)
        parts.push_back({std::to_string(st.index + 1) + " " + st.name, st.start_s, st.end_s});
    if (parts.empty()) parts.push_back({"Whole session", 0, in.summary.duration_s});
    const double cell_w = d.width() / 3, cell_h = 62, row = cell_h + 40;
    hrv::FftPlanCache plans;
    std::size_t col = 0;
    for (const Part& part : parts) {
        std::vector<double> t, rr;
        for (const PlacedBeat& b : in.beats)
            if (clean(b) && b.t_s >= part.from && b.t_s < part.to) {
                t.push_back(b.t_s);
                rr.push_back(b.rr_ms);
            }
        if (col == 0) d.need(row, footer);
        const double x = d.left() + static_cast<double>(col) * cell_w;
        if (t.size() < 30) {
            d.font(7, true);
            d.text(x, d.y() + 5, d.fit(part.title, cell_w - 4));
            d.font(7);
            d.text(x, d.y() + 18, "too few beats for a spectrum", 0.3);
        } else {
            const auto fd = hrv::frequency_domain(t, rr, hrv::SpectrumSettings{}, plans);
            spectrum_plot(d, x, d.y(), cell_w - 8, cell_h, part.title, fd);
        }
        if (++col == 3) {
            col = 0;
            d.down(row);
        }
    }
    if (col != 0) d.down(row);
}

// Recovery after each episode: per-second heart rate and the fitted curve.
void recovery_plots(Doc& d, const SessionReportInput& in, const std::string& footer) {
    recovery::SecondSeries series;
    for (const PlacedBeat& b : in.beats) series.add(b);
    series.advance_to(in.summary.duration_s);
    const double cell_w = d.width() / 2, cell_h = 80, row = cell_h + 44;
    std::size_t col = 0;
    int shown = 0;
    for (const recovery::Episode& ep : in.episodes) {
        if (++shown > 6) break;
        const double from = std::max(0.0, ep.onset_s - 60), to = std::max(ep.end_s, ep.peak_s + 60);
        double lo = 1e9, hi = -1e9;
        for (auto k = static_cast<std::size_t>(from);
             k < series.seconds() && static_cast<double>(k) <= to; ++k) {
            const double v = series.inst_hr(k);
            if (!(v > 0)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        if (hi < lo) continue;
        lo = std::min(lo, ep.baseline_hr_bpm) - 3;
        hi += 3;
        if (col == 0) d.need(row, footer);
        const double x = d.left() + static_cast<double>(col) * cell_w;
        const Plot p{x + 30, d.y() + 22, cell_w - 42, cell_h, from, to, lo, hi};
        cairo_t* cr = d.cr();
        // Baseline: dashed.
        const double dash[] = {3, 2};
        cairo_set_dash(cr, dash, 2, 0);
        set_grey(cr, 0.4);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, p.x, p.py(ep.baseline_hr_bpm));
        cairo_line_to(cr, p.x + p.w, p.py(ep.baseline_hr_bpm));
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        // Per-second HR: grey dots.
        set_grey(cr, 0.55);
        for (auto k = static_cast<std::size_t>(from);
             k < series.seconds() && static_cast<double>(k) <= to; ++k) {
            const double v = series.inst_hr(k);
            if (!(v > 0)) continue;
            cairo_arc(cr, p.px(static_cast<double>(k)), p.py(v), 0.7, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        // The fit: black, from the peak.
        if (ep.hr) {
            set_grey(cr, 0);
            cairo_set_line_width(cr, 1.1);
            const double amount = ep.peak_hr_bpm - ep.hr->level;
            for (double t = ep.peak_s; t <= ep.end_s; t += 2) {
                const double v = ep.hr->level + amount * std::exp(-(t - ep.peak_s) / ep.hr->tau_s);
                if (t == ep.peak_s)
                    cairo_move_to(cr, p.px(t), p.py(std::clamp(v, lo, hi)));
                else
                    cairo_line_to(cr, p.px(t), p.py(std::clamp(v, lo, hi)));
            }
            cairo_stroke(cr);
        }
        d.font(7, true);
        d.text(x, d.y() + 6,
               d.fit("Episode at " + clock_text(ep.onset_s) + " (" + ep.source + ")", cell_w - 6));
        d.font(6.5);
        d.text(x, d.y() + 15,
               d.fit(ep.hr ? "t50 " + clock_text(ep.hr->t50_s) + ", t90 " +
                                 clock_text(ep.hr->t90_s) + ", tau " + fmt("%.0f", ep.hr->tau_s) +
                                 " s, R\u00b2 " + fmt("%.2f", ep.hr->r2) + ", rise " +
                                 fmt("%+.1f", ep.rise_bpm) + " bpm"
                           : "no fit: " + ep.hr_reason,
                     cell_w - 6),
               0.2);
        axes(d, p, "time (min)", "HR (bpm)", minutes_tick, 5, 3, 60);
        if (++col == 2) {
            col = 0;
            d.down(row);
        }
    }
    if (col != 0) d.down(row);
    if (!in.episodes.empty())
        d.paragraph(
            "Dots: heart rate each second. Black: the fitted recovery y(t) = level + amount "
            "exp(-t/tau) from the peak (t50 = tau ln 2). Dashed: the baseline.",
            6.5, 0.3);
}

std::string methods_text() {
    return "Methods. Time and frequency domain follow Kubios HRV's conventions: RR resampled at "
           "4 Hz (cubic spline), smoothness-priors detrending (lambda 500), Welch periodogram "
           "with 300-s Hann segments overlapping 50 %, VLF 0-0.04 Hz, LF 0.04-0.15 Hz, HF "
           "0.15-0.4 Hz; beats flagged as suspected artifacts are left out, not corrected. "
           "Coherence after the HeartMath Institute's published method: 64-s windows every 5 s, "
           "RR resampled at 2 Hz, Hann window, peak power within 0.015 Hz of the highest peak in "
           "0.04-0.26 Hz over the rest of the total power. Recovery: a robust exponential fit "
           "of per-second heart rate from the peak. Steady " +
           std::string(kSteadyVersion) + " (commit " + kSteadyCommit + ").";
}

std::string iso_day_time(const std::string& iso) {
    // 2026-12-01T08:00:00Z -> 2026-12-01 08:00 UTC
    if (iso.size() < 16) return iso;
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

void key_values(Doc& d, const std::vector<std::pair<std::string, std::string>>& kv) {
    const double col_w = d.width() / 2;
    for (std::size_t i = 0; i < kv.size(); ++i) {
        const double x = d.left() + (i % 2 ? col_w : 0);
        d.font(8, true);
        d.text(x, d.y() + 9, kv[i].first);
        d.font(8);
        d.text(x + 62, d.y() + 9, d.fit(kv[i].second, col_w - 66));
        if (i % 2 || i + 1 == kv.size()) d.down(12);
    }
}

void write_session(const SessionReportInput& in, const std::string& path, const std::string& shown,
                   Paper paper, int* pages) {
    Doc d(path, paper);
    const StoredSession& s = in.session;
    const std::string footer = "Steady session report - " + s.client + " - session " +
                               std::to_string(s.id) + " - " + iso_day_time(s.started_at);
    d.font(16, true);
    d.text(d.left(), d.y() + 16, "Session report: " + s.client);
    d.down(24);
    d.font(9);
    d.text(d.left(), d.y() + 9,
           in.protocol.empty() ? "Training session" : "Protocol: " + in.protocol, 0.25);
    d.down(16);
    const SessionSummary& m = in.summary;
    key_values(d, {{"Client", s.client},
                   {"Date", iso_day_time(s.started_at)},
                   {"Protocol", in.protocol.empty() ? "none" : in.protocol},
                   {"Sensor", s.sensor},
                   {"Duration", clock_text(m.duration_s) + " (min:s)"},
                   {"Beats", std::to_string(m.beats) + ", " + fmt("%.1f", m.artifacts_pct) +
                                 " % set aside as artifacts"},
                   {"Mean HR", opt(m.mean_hr_bpm, "%.1f bpm")},
                   {"RMSSD", opt(m.rmssd_first_ms, "%.1f ms") + " first 3 min, " +
                                 opt(m.rmssd_last_ms, "%.1f ms") + " last 3 min"},
                   {"Triggers", std::to_string(m.triggers_marked) + " marked, " +
                                    std::to_string(m.surges_detected) + " surges detected"},
                   {"Session", std::to_string(s.id) + " (" + s.state + ")"}});
    d.heading("Tachogram", footer, 250);
    tachogram(d, in, 170);
    if (!m.steps.empty()) {
        d.heading("Per-step statistics", footer, 120);
        step_table(d, m.steps, footer);
    }
    d.heading("Coherence over time", footer, 190);
    coherence_plot(d, in, 110);
    d.heading(m.steps.empty() ? "Spectrum (PSD, ms\u00b2/Hz)"
                              : "Spectrum of each step (PSD, ms\u00b2/Hz)",
              footer, 150);
    spectra(d, in, footer);
    if (!in.episodes.empty()) {
        d.heading("Recovery after triggers", footer, 170);
        recovery_plots(d, in, footer);
    }
    std::vector<const JournalEvent*> notes;
    std::vector<double> note_t;
    for (const Event& e : in.events)
        if (const auto* j = e.as<JournalEvent>()) {
            notes.push_back(j);
            note_t.push_back(e.t_s);
        }
    if (!notes.empty()) {
        d.heading("Journal notes", footer, 60);
        for (std::size_t i = 0; i < notes.size(); ++i) {
            const JournalEvent& j = *notes[i];
            std::string line = clock_text(j.mark_t_s) + "  " + j.what;
            if (j.intensity) line += " (intensity " + std::to_string(*j.intensity) + "/10)";
            d.need(30, footer);
            d.font(8, true);
            d.paragraph(line, 8);
            std::string more;
            if (!j.body.empty()) more += "Body: " + j.body + ". ";
            if (!j.thought.empty()) more += "Thought: " + j.thought + ". ";
            if (!j.helped.empty()) more += "Helped: " + j.helped + ".";
            if (!more.empty()) d.paragraph(more, 7.5, 0.2, 12);
        }
    }
    d.need(60, footer);
    d.down(8);
    d.paragraph(methods_text(), 6.5, 0.3);
    *pages = d.page();
    d.finish(shown, footer);
}

// ---------------------------------------------------------------------------------------------

void trend_plot(Doc& d, const std::vector<double>& x, const std::vector<std::optional<double>>& y,
                double height, const std::string& ylabel, const std::string& title) {
    double lo = 1e18, hi = -1e18;
    for (const auto& v : y)
        if (v) {
            lo = std::min(lo, *v);
            hi = std::max(hi, *v);
        }
    if (hi < lo) return;
    const double pad = std::max(1.0, 0.1 * (hi - lo));
    const double x1 = std::max(x.back(), x.front() + 1);
    const Plot p{d.left() + 34,   d.y() + 14, d.width() - 40, height,
                 x.front() - 0.5, x1 + 0.5,   lo - pad,       hi + pad};
    cairo_t* cr = d.cr();
    d.font(8, true);
    d.text(d.left(), d.y() + 8, title);
    set_grey(cr, 0);
    cairo_set_line_width(cr, 0.7);
    bool pen = false;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!y[i]) continue;
        if (!pen)
            cairo_move_to(cr, p.px(x[i]), p.py(*y[i]));
        else
            cairo_line_to(cr, p.px(x[i]), p.py(*y[i]));
        pen = true;
    }
    cairo_stroke(cr);
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!y[i]) continue;
        cairo_arc(cr, p.px(x[i]), p.py(*y[i]), 1.8, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    axes(d, p, "days since the first session", ylabel, [](double v) { return fmt("%.0f", v); });
    d.down(height + 14 + 28);
}

void write_trend(const TrendReportInput& in, const std::string& path, const std::string& shown,
                 Paper paper, int* pages) {
    Doc d(path, paper);
    const std::string footer = "Steady trend report - " + in.client;
    d.font(16, true);
    d.text(d.left(), d.y() + 16, "Trend report: " + in.client);
    d.down(24);
    d.font(9);
    const std::string range = in.sessions.empty()
                                  ? "no sessions"
                                  : in.sessions.front().session.started_at.substr(0, 10) + " to " +
                                        in.sessions.back().session.started_at.substr(0, 10);
    d.text(d.left(), d.y() + 9,
           std::to_string(in.sessions.size()) + " sessions, " + range +
               (in.since.empty() ? "" : " (since " + in.since + ")"),
           0.25);
    d.down(18);
    if (in.sessions.empty()) {
        d.paragraph("No finished sessions for this client in this range.", 9);
        *pages = d.page();
        d.finish(shown, footer);
        return;
    }
    // Per-session means.
    d.heading("Sessions", footer, 60);
    const struct {
        const char* head;
        double w;
    } cols[] = {{"#", 26},       {"Date", 62},  {"Protocol/sensor", 110}, {"Length", 40},
                {"Mean HR", 40}, {"RMSSD", 58}, {"High coh.", 44},        {"Triggers", 40},
                {"Artif.", 34},  {"t50", 46}};
    d.font(6.8, true);
    double x = d.left();
    for (const auto& c : cols) {
        d.text(x, d.y() + 7, c.head);
        x += c.w;
    }
    d.down(9);
    d.font(6.2);
    x = d.left();
    const char* units[] = {"",  "UTC",    "",  "min:s", "bpm", "ms first/last",
                           "%", "marked", "%", "median"};
    for (std::size_t i = 0; i < std::size(cols); ++i) {
        d.text(x, d.y() + 6, units[i], 0.3);
        x += cols[i].w;
    }
    d.down(10);
    for (std::size_t r = 0; r < in.sessions.size(); ++r) {
        const auto& ts = in.sessions[r];
        const SessionSummary& m = ts.summary;
        d.need(10, footer);
        if (r % 2) {
            set_grey(d.cr(), 0.94);
            cairo_rectangle(d.cr(), d.left(), d.y(), d.width(), 10);
            cairo_fill(d.cr());
        }
        const double total = m.coherence_s[0] + m.coherence_s[1] + m.coherence_s[2];
        std::vector<double> t50 = m.recovery_t50_s;
        std::sort(t50.begin(), t50.end());
        const std::string cells[] = {
            std::to_string(ts.session.id),
            ts.session.started_at.substr(0, 10),
            ts.session.sensor,
            clock_text(m.duration_s),
            opt(m.mean_hr_bpm, "%.1f"),
            opt(m.rmssd_first_ms, "%.0f") + " / " + opt(m.rmssd_last_ms, "%.0f"),
            total > 0 ? fmt("%.0f", 100 * m.coherence_s[2] / total) : "--",
            std::to_string(m.triggers_marked),
            fmt("%.1f", m.artifacts_pct),
            t50.empty() ? "--" : clock_text(t50[t50.size() / 2])};
        x = d.left();
        d.font(6.8);
        for (std::size_t i = 0; i < std::size(cols); ++i) {
            d.text(x, d.y() + 7.2, d.fit(cells[i], cols[i].w - 3));
            x += cols[i].w;
        }
        d.down(10);
    }
    d.down(6);
    std::vector<double> day;
    std::vector<std::optional<double>> hr, rmssd, high;
    const std::time_t first = parse_utc_iso(in.sessions.front().session.started_at);
    for (const auto& ts : in.sessions) {
        day.push_back(static_cast<double>(parse_utc_iso(ts.session.started_at) - first) / 86400);
        hr.push_back(ts.summary.mean_hr_bpm);
        rmssd.push_back(ts.summary.rmssd_last_ms);
        const auto& c = ts.summary.coherence_s;
        const double total = c[0] + c[1] + c[2];
        high.push_back(total > 0 ? std::optional(100 * c[2] / total) : std::nullopt);
    }
    d.need(130, footer);
    trend_plot(d, day, hr, 80, "bpm", "Mean heart rate per session");
    d.need(130, footer);
    trend_plot(d, day, rmssd, 80, "ms", "RMSSD in the last 3 minutes of each session");
    d.need(130, footer);
    trend_plot(d, day, high, 80, "%", "Time at high coherence");
    // The recovery trend.
    const recovery::Progress pr = recovery::progress(in.days);
    d.heading("Recovery after triggers", footer, 60);
    if (pr.trend) {
        const auto& t = *pr.trend;
        d.paragraph("Over " + std::to_string(t.episodes_used) +
                        " episodes the half-recovery time " +
                        (t.change_pct_per_30d < 0 ? "fell " : "rose ") +
                        fmt("%.0f", std::abs(t.change_pct_per_30d)) +
                        " % per month (95 % interval " + fmt("%.0f", t.ci_low_pct) + " % to " +
                        fmt("%.0f", t.ci_high_pct) + " %; Theil-Sen slope of ln t50 against days).",
                    8.5);
    } else {
        d.paragraph("No recovery trend yet: " + pr.trend_reason + ".", 8.5);
    }
    std::vector<double> ep_day;
    std::vector<std::optional<double>> ep_t50;
    for (const auto& sd : in.days)
        for (const auto& ep : sd.episodes)
            if (ep.hr) {
                ep_day.push_back(static_cast<double>(sd.start - first) / 86400 +
                                 ep.onset_s / 86400);
                ep_t50.push_back(ep.hr->t50_s);
            }
    if (!ep_day.empty()) {
        d.need(130, footer);
        trend_plot(d, ep_day, ep_t50, 80, "t50 (s)", "Half-recovery time of each episode");
    }
    d.need(60, footer);
    d.paragraph("Per-session means over beats not set aside as artifacts. " + methods_text(), 6.5,
                0.3);
    *pages = d.page();
    d.finish(shown, footer);
}

int write_with(const std::string& path, bool replace,
               const std::function<void(const std::string& tmp, int* pages)>& f) {
    int pages = 0;
    try {
        write_private_file_by(path, replace, [&](const std::string& tmp) { f(tmp, &pages); });
    } catch (const PrivateFileError& e) {
        throw ExportError(e.what());
    }
    return pages;
}

}  // namespace

int write_session_report(const SessionReportInput& in, const std::string& path, Paper paper,
                         bool replace) {
    return write_with(path, replace, [&](const std::string& tmp, int* pages) {
        write_session(in, tmp, path, paper, pages);
    });
}

int write_trend_report(const TrendReportInput& in, const std::string& path, Paper paper,
                       bool replace) {
    return write_with(path, replace, [&](const std::string& tmp, int* pages) {
        write_trend(in, tmp, path, paper, pages);
    });
}

}  // namespace steady::exporting
