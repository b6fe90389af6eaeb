#include "export/edf.h"

#include <edflib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

#include "app/private_file.h"
#include "sensor/sensor.h"
#include "session/iso_time.h"
#include "steady_version.h"

namespace steady::exporting {

namespace {

std::string count_text(double count_s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", count_s);
    std::string s = buf;  // 0.625, 1.25, 1 (no trailing zeros)
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

double session_length(const SessionRecord& r) {
    double end = r.session.duration_s;
    if (!r.beats.empty()) end = std::max(end, r.beats.back().t_s);
    return end;
}

// Where the pacer is in its cycle over the session, rebuilt from its events: a start, a tempo
// change (taking effect at its boundary), a pause (frozen), a resume (carries on), a protocol
// step (the pacer goes with it until the step starts its own).
class PacerTrack {
  public:
    explicit PacerTrack(const std::vector<Event>& events) {
        for (std::size_t i = 0; i < events.size(); ++i) {
            const Event& e = events[i];
            if (const auto* p = e.as<PacerEvent>()) {
                if (!p->cycle_s || !(*p->cycle_s > 0)) continue;
                const double at = p->reason == "start" ? e.t_s : p->effective_s.value_or(e.t_s);
                steps_.push_back(
                    {at, i, p->reason == "start" ? Kind::start : Kind::change, *p->cycle_s});
            } else if (e.as<PausedEvent>()) {
                steps_.push_back({e.t_s, i, Kind::pause, 0});
            } else if (e.as<ResumedEvent>()) {
                steps_.push_back({e.t_s, i, Kind::resume, 0});
            } else if (e.as<StepStartEvent>()) {
                steps_.push_back({e.t_s, i, Kind::off, 0});
            }
        }
        std::stable_sort(steps_.begin(), steps_.end(), [](const Change& a, const Change& b) {
            return a.t_s < b.t_s || (a.t_s == b.t_s && a.order < b.order);
        });
    }

    // Samples must be asked for in increasing time.
    double at(double t_s) {
        while (next_ < steps_.size() && steps_[next_].t_s <= t_s) apply(steps_[next_++]);
        if (!on_) return 0;
        if (paused_) return frozen_;
        const double pos = offset_s_ + (t_s - start_s_);
        const double phase = std::fmod(pos, cycle_s_) / cycle_s_;
        return phase < 0 ? phase + 1 : phase;
    }

  private:
    enum class Kind { start, change, pause, resume, off };
    struct Change {
        double t_s;
        std::size_t order;
        Kind kind;
        double cycle_s;
    };

    void apply(const Change& c) {
        switch (c.kind) {
            case Kind::start:
                on_ = true;
                paused_ = false;
                start_s_ = c.t_s;
                offset_s_ = 0;
                cycle_s_ = c.cycle_s;
                break;
            case Kind::change:
                if (!on_) break;
                if (paused_) {  // takes effect when resumed
                    cycle_s_ = c.cycle_s;
                    break;
                }
                start_s_ = c.t_s;  // a cycle boundary: the new tempo starts at 0
                offset_s_ = 0;
                cycle_s_ = c.cycle_s;
                break;
            case Kind::pause:
                if (!on_ || paused_) break;
                frozen_ = at_running(c.t_s);
                paused_ = true;
                break;
            case Kind::resume:
                if (!on_ || !paused_) break;
                paused_ = false;
                start_s_ = c.t_s;
                offset_s_ = frozen_ * cycle_s_;
                break;
            case Kind::off:
                on_ = false;
                paused_ = false;
                break;
        }
    }
    double at_running(double t_s) const {
        const double phase = std::fmod(offset_s_ + (t_s - start_s_), cycle_s_) / cycle_s_;
        return phase < 0 ? phase + 1 : phase;
    }

    std::vector<Change> steps_;
    std::size_t next_ = 0;
    bool on_ = false, paused_ = false;
    double start_s_ = 0, offset_s_ = 0, cycle_s_ = 1, frozen_ = 0;
};

}  // namespace

EdfSignals edf_signals(const SessionRecord& r) {
    std::vector<PlacedBeat> clean;
    for (const PlacedBeat& b : r.beats)
        if (!(b.flags & kBeatSuspectedArtifact) && b.rr_ms > 0) clean.push_back(b);
    std::vector<std::pair<double, double>> gaps;
    for (const Event& e : r.events)
        if (const auto* g = e.as<GapEvent>()) gaps.emplace_back(e.t_s - g->missing_s, e.t_s);
    const auto in_gap = [&](double t) {
        return std::any_of(gaps.begin(), gaps.end(),
                           [t](const auto& g) { return t >= g.first && t <= g.second; });
    };

    const double length = session_length(r);
    const auto records = static_cast<std::size_t>(std::max(1.0, std::ceil(length)));
    const std::size_t n = records * kEdfRateHz;
    EdfSignals s;
    s.rr_ms.resize(n);
    s.hr_bpm.resize(n);
    s.pacer_phase.resize(n);
    PacerTrack pacer(r.events);
    std::size_t k = 0;  // first clean beat after the sample
    for (std::size_t j = 0; j < n; ++j) {
        const double t = static_cast<double>(j) / kEdfRateHz;
        while (k < clean.size() && clean[k].t_s <= t) ++k;
        double rr = 0;
        if (clean.empty()) {
            rr = 0;
        } else if (k == 0) {
            rr = clean.front().rr_ms;  // before the first beat: its interval
        } else if (k == clean.size()) {
            rr = clean.back().rr_ms;  // after the last: held
        } else {
            const PlacedBeat& a = clean[k - 1];
            const PlacedBeat& b = clean[k];
            if ((b.flags & kBeatGapBefore) || in_gap(t)) {
                rr = a.rr_ms;  // across a gap the last value holds
            } else {
                const double f = (t - a.t_s) / (b.t_s - a.t_s);
                rr = a.rr_ms + f * (b.rr_ms - a.rr_ms);
            }
        }
        s.rr_ms[j] = rr;
        s.hr_bpm[j] = rr > 0 ? 60000.0 / rr : 0;
        s.pacer_phase[j] = pacer.at(t);
    }
    return s;
}

std::vector<EdfAnnotation> edf_annotations(const SessionRecord& r) {
    std::vector<EdfAnnotation> out;
    const double length = session_length(r);
    std::map<int, std::size_t> open_steps;  // step index -> annotation
    for (const Event& e : r.events) {
        if (const auto* st = e.as<StepStartEvent>()) {
            open_steps[st->index] = out.size();
            out.push_back({e.t_s, std::max(0.0, length - e.t_s), "step: " + st->name});
        } else if (const auto* en = e.as<StepEndEvent>()) {
            if (const auto it = open_steps.find(en->index); it != open_steps.end()) {
                EdfAnnotation& a = out[it->second];
                a.duration_s = std::max(0.0, e.t_s - a.onset_s);
                open_steps.erase(it);
            }
        } else if (e.as<MarkEvent>()) {
            out.push_back({e.t_s, -1, "trigger mark"});
        } else if (e.as<TriggerEvent>()) {
            out.push_back({e.t_s, -1, "trigger detected"});
        } else if (const auto* p = e.as<PacerEvent>()) {
            if (!p->count_s || p->pattern.empty()) continue;  // adaptation on/off: no tempo
            const double at = p->reason == "start" ? e.t_s : p->effective_s.value_or(e.t_s);
            if (p->reason != "start" && p->from_count_s && *p->from_count_s == *p->count_s)
                continue;
            out.push_back({at, -1, "pacer: " + p->pattern + " " + count_text(*p->count_s)});
        } else if (const auto* g = e.as<GapEvent>()) {
            out.push_back({std::max(0.0, e.t_s - g->missing_s), g->missing_s, "gap"});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const EdfAnnotation& a, const EdfAnnotation& b) {
        return a.onset_s < b.onset_s;
    });
    return out;
}

namespace {

void check(int rc, const std::string& path, const char* what) {
    if (rc != 0) throw ExportError(path + ": EDFlib could not " + what);
}

void write_file(const SessionRecord& r, const std::string& path, const std::string& shown) {
    const EdfSignals s = edf_signals(r);
    const std::vector<EdfAnnotation> notes = edf_annotations(r);
    const std::size_t records = s.rr_ms.size() / kEdfRateHz;
    const int h = edfopen_file_writeonly(path.c_str(), EDFLIB_FILETYPE_EDFPLUS, 3);
    if (h < 0)
        throw ExportError(shown + ": EDFlib could not create the file (code " + std::to_string(h) +
                          ")");
    struct Closer {
        int h;
        bool open = true;
        ~Closer() {
            if (open) edfclose_file(h);
        }
    } closer{h};
    // Every record holds one annotation per annotation signal: room for all of them.
    const auto per_record = (notes.size() + records - 1) / records;
    check(edf_set_number_of_annotation_signals(
              h, static_cast<int>(std::clamp<std::size_t>(per_record + 1, 1, 64))),
          shown, "set the annotation signals");
    const struct {
        const char* label;
        const char* unit;
        EdfRange range;
    } signals[] = {{"RR interval", "ms", kRrRange},
                   {"Heart rate", "bpm", kHrRange},
                   {"Pacer phase", "cycle", kPhaseRange}};
    for (int i = 0; i < 3; ++i) {
        check(edf_set_samplefrequency(h, i, kEdfRateHz), shown, "set the sample rate");
        check(edf_set_physical_maximum(h, i, signals[i].range.max), shown, "set a range");
        check(edf_set_physical_minimum(h, i, signals[i].range.min), shown, "set a range");
        check(edf_set_digital_maximum(h, i, 32767), shown, "set a range");
        check(edf_set_digital_minimum(h, i, -32768), shown, "set a range");
        check(edf_set_label(h, i, signals[i].label), shown, "set a label");
        check(edf_set_physical_dimension(h, i, signals[i].unit), shown, "set a unit");
    }
    const std::time_t start = parse_utc_iso(r.session.started_at);
    std::tm tm{};
    gmtime_r(&start, &tm);
    check(edf_set_startdatetime(h, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                tm.tm_min, tm.tm_sec),
          shown, "set the start time");
    check(edf_set_patientname(h, r.session.client.c_str()), shown, "set the client");
    check(edf_set_equipment(h, r.session.sensor.c_str()), shown, "set the sensor");
    const std::string info =
        "Steady " + std::string(kSteadyVersion) + " session " + std::to_string(r.session.id);
    check(edf_set_recording_additional(h, info.c_str()), shown, "set the recording");

    std::vector<double> buf(kEdfRateHz);
    const auto clamp_to = [](double v, EdfRange range) {
        return std::clamp(v, range.min, range.max);
    };
    for (std::size_t rec = 0; rec < records; ++rec) {
        const std::vector<double>* data[] = {&s.rr_ms, &s.hr_bpm, &s.pacer_phase};
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < kEdfRateHz; ++j)
                buf[static_cast<std::size_t>(j)] = clamp_to(
                    (*data[i])[rec * kEdfRateHz + static_cast<std::size_t>(j)], signals[i].range);
            if (edfwrite_physical_samples(h, buf.data()) != 0)
                throw ExportError(shown + ": write failed (disk full?)");
        }
    }
    for (const EdfAnnotation& a : notes) {
        // EDFlib takes onsets and durations in units of 100 us when writing.
        const long long onset = std::llround(a.onset_s * 10000);
        const long long duration = a.duration_s < 0 ? -1 : std::llround(a.duration_s * 10000);
        check(edfwrite_annotation_utf8(h, onset, duration, a.text.c_str()), shown,
              "write an annotation");
    }
    closer.open = false;
    if (edfclose_file(h) != 0) throw ExportError(shown + ": write failed (disk full?)");
}

}  // namespace

void write_edf(const SessionRecord& session, const std::string& path, bool replace) {
    try {
        write_private_file_by(path, replace,
                              [&](const std::string& tmp) { write_file(session, tmp, path); });
    } catch (const PrivateFileError& e) {
        throw ExportError(e.what());
    }
}

}  // namespace steady::exporting
