// What the window draws each frame (see trainer_app.h for the layout's purpose).
//
// [SECTION] layout and top bar
// [SECTION] the breathing visual
// [SECTION] panels: heart rate, RMSSD, arousal, breathing, coherence, spectrum, sensor
// [SECTION] tachogram with the pacer's phases behind it
// [SECTION] overlays: sensor picker, trigger journal, grounding, settings, summary
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <nlohmann/json.hpp>

#include "hrv/coherence.h"
#include "sensor/registry.h"
#include "visuals/audio.h"
#include "visuals/palette.h"
#include "visuals/trainer_app.h"

namespace steady::ui {
namespace {

std::string clock_text(double s) {
    const long v = std::max(0L, static_cast<long>(s));
    char buf[32];
    if (v >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60, v % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", v / 60, v % 60);
    return buf;
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

const char* phase_words(pacer::Phase p) {
    switch (p) {
        case pacer::Phase::inhale: return "Breathe in";
        case pacer::Phase::hold: return "Hold";
        case pacer::Phase::exhale: return "Breathe out";
        case pacer::Phase::hold_out: return "Rest";
    }
    return "";
}

void centered_text(ImDrawList* dl, ImFont* font, const ImVec2& centre, ImU32 col,
                   const char* text) {
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e9f, 0, text);
    dl->AddText(font, font->FontSize, {centre.x - size.x / 2, centre.y - size.y / 2}, col, text);
}

// A small line chart of (t, value) over the last `span_s`, drawn into the current window.
void sparkline(const std::deque<std::pair<double, double>>& pts, double now_s, double span_s,
               const ImVec4& colour, float height) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, {pos.x + w, pos.y + height}, u32(kBackground, 0.6f), 3);
    if (pts.size() >= 2) {
        double lo = 1e300, hi = -1e300;
        for (const auto& [t, v] : pts) lo = std::min(lo, v), hi = std::max(hi, v);
        if (hi - lo < 1e-9) hi = lo + 1;
        const double pad = (hi - lo) * 0.15;
        lo -= pad, hi += pad;
        std::vector<ImVec2> line;
        line.reserve(pts.size());
        for (const auto& [t, v] : pts) {
            const float x = pos.x + w * static_cast<float>(1 - (now_s - t) / span_s);
            const float y = pos.y + height * static_cast<float>(1 - (v - lo) / (hi - lo));
            if (x >= pos.x) line.push_back({x, y});
        }
        if (line.size() >= 2)
            dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(colour), 0,
                            1.6f * ImGui::GetFontSize() / 17.0f);
    }
    ImGui::Dummy({w, height});
}

// A horizontal bar with coloured zones and a marker at `value` (all in [0, max]).
void zone_bar(float value, float max, const std::vector<std::pair<float, ImVec4>>& zones,
              float height) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float from = 0;
    for (const auto& [to, c] : zones) {
        dl->AddRectFilled({pos.x + w * from / max, pos.y}, {pos.x + w * to / max, pos.y + height},
                          u32(c, 0.55f));
        from = to;
    }
    const float x = pos.x + w * std::clamp(value / max, 0.0f, 1.0f);
    dl->AddRectFilled({x - 2, pos.y - 3}, {x + 2, pos.y + height + 3}, u32(kText));
    ImGui::Dummy({w, height + 4});
}

}  // namespace

// [SECTION] layout and top bar --------------------------------------------------------------

void TrainerApp::build_ui(double t_s) {
    const std::shared_ptr<const Snapshot> snap =
        session_ ? session_->live->engine().snapshot() : last_snapshot_;
    static const Snapshot kEmpty{};
    const Snapshot& s = snap ? *snap : kEmpty;

    // Colour follows arousal gently: a time constant of about 2 s of frames.
    const float target = s.baseline_ready ? static_cast<float>(s.arousal.level) : -1.0f;
    if (target >= 0) colour_level_ += (target - colour_level_) * 0.02f;

    // Audio cue at each phase change.
    if (session_) {
        const pacer::Point p = session_->pacer->at(t_s);
        if (!p.paused && (p.phase != last_phase_ || p.cycle != last_cycle_)) {
            if (last_cycle_ >= 0 && audio_) audio_->cue(p.phase);
            last_phase_ = p.phase;
            last_cycle_ = p.cycle;
        }
    }

    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 origin = vp->Pos, size = vp->Size;
    const float em = ImGui::GetFontSize();
    const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                   ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus;

    const float bar_h = focus_ ? 0 : em * 2.6f;
    if (!focus_) {
        ImGui::SetNextWindowPos(origin);
        ImGui::SetNextWindowSize({size.x, bar_h});
        ImGui::Begin("##top", nullptr, fixed);
        draw_top_bar(t_s, s);
        ImGui::End();
    }

    const float side_w = focus_ ? 0 : std::clamp(size.x * 0.24f, em * 15, em * 24);
    const float tacho_h = focus_ ? 0 : std::clamp(size.y * 0.24f, em * 7, em * 14);
    const ImVec2 centre_pos{origin.x + side_w, origin.y + bar_h};
    const ImVec2 centre_size{size.x - 2 * side_w, size.y - bar_h - tacho_h};

    ImGui::SetNextWindowPos(centre_pos);
    ImGui::SetNextWindowSize(centre_size);
    ImGui::SetNextWindowBgAlpha(0);
    ImGui::Begin("##pacer", nullptr, fixed | ImGuiWindowFlags_NoInputs);
    draw_pacer(centre_pos, centre_size, t_s, s, focus_);
    ImGui::End();

    if (!focus_) {
        ImGui::SetNextWindowPos({origin.x, origin.y + bar_h});
        ImGui::SetNextWindowSize({side_w, size.y - bar_h - tacho_h});
        ImGui::Begin("##left", nullptr, fixed);
        draw_left_panels(s, t_s);
        ImGui::End();
        ImGui::SetNextWindowPos({origin.x + size.x - side_w, origin.y + bar_h});
        ImGui::SetNextWindowSize({side_w, size.y - bar_h - tacho_h});
        ImGui::Begin("##right", nullptr, fixed);
        draw_right_panels(s, t_s);
        ImGui::End();
        ImGui::SetNextWindowPos({origin.x, origin.y + size.y - tacho_h});
        ImGui::SetNextWindowSize({size.x, tacho_h});
        ImGui::Begin("##tacho", nullptr, fixed);
        ImGui::TextDisabled("Heart rhythm, last 2 minutes (RR, ms) - shading: the pacer's "
                            "inhale (light) and hold (faint)");
        const ImVec2 p = ImGui::GetCursorScreenPos();
        draw_tachogram(p, {ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y},
                       s, t_s);
        ImGui::End();
    } else {
        // Focus mode: only the pacer, and one quiet line on how to leave.
        ImDrawList* fg = ImGui::GetForegroundDrawList();
        fg->AddText({origin.x + em, origin.y + size.y - em * 1.6f}, u32(kDim, 0.7f),
                    "Esc: leave focus mode   Space: pause   T: mark a trigger");
    }
    draw_picker();
    draw_journal();
    draw_grounding(s, t_s);
    draw_settings();
    draw_summary();
}

void TrainerApp::draw_top_bar(double t_s, const Snapshot& s) {
    const bool simulated = session_ && session_->info.transport == "sim";
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Steady");
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::Text("Session %s", clock_text(t_s).c_str());
    if (simulated) {
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Button, kActivated);
        ImGui::PushStyleColor(ImGuiCol_Text, kBackground);
        ImGui::SmallButton("SIMULATED DATA");
        ImGui::PopStyleColor(2);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("No strap: a simulated person is shown. Pick a sensor to use yours.");
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s", session_ ? session_->info.name.c_str() : "no session");
    if (s.sensor.state != SensorState::connected) {  // reconnecting, contact lost...: say so here
        ImGui::SameLine();
        ImGui::TextColored(kActivated, "%s", to_string(s.sensor.state));
    }

    const float em = ImGui::GetFontSize();
    ImGui::SameLine(ImGui::GetWindowWidth() - em * 38.5f);
    if (ImGui::Button(pacer_paused() ? "Resume (Space)" : "Pause (Space)") && session_)
        session_->live->set_pacer_paused(!pacer_paused());
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, mix(kHigh, kPanel, 0.35f));
    if (ImGui::Button("Mark trigger (T)")) handle_key(SDLK_t);
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Focus (Z)")) focus_ = true;
    ImGui::SameLine();
    if (ImGui::Button("Sensor...")) picker_open_ = true;
    ImGui::SameLine();
    if (ImGui::Button("Settings")) settings_open_ = true;
    ImGui::SameLine();
    if (ImGui::Button(session_ ? "End session" : "New session")) {
        if (session_)
            end_session();
        else
            start_session(config_.window.last_sensor.value_or("sim:paced"), false);
    }
    if (!notice_.empty()) {
        ImGui::TextColored(kActivated, "%s", notice_.c_str());
    }
}

// [SECTION] the breathing visual ------------------------------------------------------------

void TrainerApp::draw_pacer(const ImVec2& pos, const ImVec2& size, double t_s, const Snapshot& s,
                            bool large) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c{pos.x + size.x / 2, pos.y + size.y * 0.47f};
    const float room = std::min(size.x, size.y) * (large ? 0.44f : 0.40f);
    if (!session_) {
        centered_text(dl, font_phase_, c, u32(kDim), "Session ended");
        return;
    }
    const pacer::Point p = session_->pacer->at(t_s);
    const ImVec4 colour = s.baseline_ready ? arousal_colour(colour_level_) : kNeutral;
    // Lung volume on an eased curve (the schedule's raised cosine) drives the radius.
    const float v = static_cast<float>(p.volume);
    const float r_min = room * 0.36f, r_max = room * 0.92f;
    const float r = r_min + (r_max - r_min) * v;
    // Soft glow: a few translucent rings, then the body and a lighter core.
    for (int i = 4; i >= 1; --i)
        dl->AddCircleFilled(c, r + room * 0.035f * static_cast<float>(i), u32(colour, 0.05f), 128);
    dl->AddCircleFilled(c, r, u32(colour, 0.55f), 128);
    dl->AddCircleFilled(c, r * 0.82f, u32(mix(colour, kText, 0.25f), 0.35f), 128);
    dl->AddCircle(c, r_max + room * 0.02f, u32(kDim, 0.35f), 128, 1.5f);  // full breath guide
    dl->AddCircle(c, r_min, u32(kDim, 0.25f), 128, 1.0f);                 // empty guide

    // Countdown ring for holds: the arc empties as the hold runs out.
    if (p.phase == pacer::Phase::hold || p.phase == pacer::Phase::hold_out) {
        const float ring_r = r + room * 0.07f;
        const float left = static_cast<float>(1 - p.phase_progress);
        const float a0 = -std::numbers::pi_v<float> / 2;
        dl->PathArcTo(c, ring_r, a0, a0 + 2 * std::numbers::pi_v<float> * left, 128);
        dl->PathStroke(u32(kText, 0.85f), 0, room * 0.025f);
    }
    char count[16];
    std::snprintf(count, sizeof count, "%d", p.count);
    centered_text(dl, font_count_, c, u32(kText, 0.95f), count);
    const char* words = p.paused ? "Paused" : phase_words(p.phase);
    centered_text(dl, font_phase_, {c.x, c.y + room + font_phase_->FontSize * 0.4f},
                  u32(kText), words);
    // Cycle within a round of 4, tempo and pattern.
    const long cycle = p.cycle + 1;
    char line[160];
    const pacer::Schedule schedule = session_->pacer->get();  // a copy: the segment lives in it
    const pacer::Segment& seg = schedule.segment_at(t_s);
    std::snprintf(line, sizeof line, "%s   cycle %ld of 4, round %ld   %.2f s per count, %.1f breaths/min",
                  seg.pattern.name.c_str(), (cycle - 1) % 4 + 1, (cycle - 1) / 4 + 1, p.count_s,
                  60.0 / p.cycle_s);
    centered_text(dl, font_body_, {c.x, c.y + room + font_phase_->FontSize * 1.3f}, u32(kDim),
                  line);
    if (session_->info.transport == "sim")
        centered_text(dl, font_body_, {c.x, pos.y + font_body_->FontSize}, u32(kActivated),
                      "Simulated heart data");
}

// [SECTION] panels --------------------------------------------------------------------------

void TrainerApp::draw_left_panels(const Snapshot& s, double t_s) {
    std::deque<std::pair<double, double>> hr, rmssd;
    {
        const std::lock_guard lock(mutex_);
        hr = hr_history_;
        rmssd = rmssd_history_;
    }
    const float em = ImGui::GetFontSize();
    const bool sim = session_ && session_->info.transport == "sim";
    if (ImGui::CollapsingHeader("Heart rate", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::PushFont(font_phase_);
        ImGui::Text("%s", s.hr_bpm ? fmt("%.0f", *s.hr_bpm).c_str() : "--");
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::TextDisabled("bpm%s", sim ? " (simulated)" : "");
        if (hr.size() >= 10) {
            const double d = hr.back().second - hr[hr.size() - 10].second;
            ImGui::SameLine();
            ImGui::TextDisabled("%s", d > 1 ? "rising" : d < -1 ? "falling" : "steady");
        }
        sparkline(hr, t_s, 120, kText, em * 2.5f);
    }
    if (ImGui::CollapsingHeader("RMSSD", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::Text("%s ms", s.rmssd_60s_ms ? fmt("%.1f", *s.rmssd_60s_ms).c_str() : "--");
        ImGui::SameLine();
        ImGui::TextDisabled("last 60 s");
        sparkline(rmssd, t_s, 120, kCalm, em * 2.0f);
    }
    if (ImGui::CollapsingHeader("Arousal", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (!s.baseline_ready) {
            ImGui::TextWrapped("Measuring your resting baseline (first 2 minutes)...");
        } else {
            const char* band = to_string(s.arousal.band);
            ImGui::TextColored(arousal_colour(static_cast<float>(s.arousal.level)), "%s", band);
            ImGui::SameLine();
            ImGui::TextDisabled("level %.2f", s.arousal.level);
            zone_bar(static_cast<float>(s.arousal.level), 1.0f,
                     {{0.35f, kCalm}, {0.65f, kActivated}, {1.0f, kHigh}}, em * 0.6f);
            if (s.baseline)
                ImGui::TextDisabled("vs baseline %.0f bpm, RMSSD %.0f ms", s.baseline->hr_bpm,
                                    s.baseline->rmssd_ms);
        }
    }
    if (ImGui::CollapsingHeader("Breathing", ImGuiTreeNodeFlags_DefaultOpen)) {
        const pacer::Point p = session_ ? session_->pacer->at(t_s) : pacer::Point{};
        ImGui::Text("paced    %s /min", p.cycle_s > 0 ? fmt("%.1f", 60 / p.cycle_s).c_str() : "--");
        ImGui::Text("measured %s /min",
                    s.coherence_peak_hz ? fmt("%.1f", 60 * *s.coherence_peak_hz).c_str() : "--");
        ImGui::PushStyleColor(ImGuiCol_Text, kDim);
        ImGui::TextWrapped("measured: the breathing peak of the heart rhythm, last 64 s");
        ImGui::PopStyleColor();
    }
}

void TrainerApp::draw_right_panels(const Snapshot& s, double t_s) {
    (void)t_s;
    const float em = ImGui::GetFontSize();
    if (ImGui::CollapsingHeader("Coherence", ImGuiTreeNodeFlags_DefaultOpen)) {
        const int ch = config_.window.challenge;
        const hrv::CoherenceThresholds th = hrv::coherence_thresholds(ch);
        if (s.coherence_ratio) {
            const auto level = hrv::coherence_level(*s.coherence_ratio, ch);
            ImGui::PushFont(font_phase_);
            ImGui::Text("%.1f", *s.coherence_score);
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::TextColored(level == hrv::CoherenceLevel::high     ? kCalm
                               : level == hrv::CoherenceLevel::medium ? kActivated
                                                                      : kDim,
                               "%s", hrv::to_string(level));
            zone_bar(static_cast<float>(*s.coherence_score), 16,
                     {{static_cast<float>(hrv::coherence_score(th.medium_from)), kDim},
                      {static_cast<float>(hrv::coherence_score(th.high_from)), kActivated},
                      {16.0f, kCalm}},
                     em * 0.6f);
            ImGui::TextDisabled("ratio %.2f, peak %.3f Hz, challenge %d", *s.coherence_ratio,
                                s.coherence_peak_hz.value_or(0), ch);
        } else {
            ImGui::TextWrapped("Needs 64 s of heart beats...");
        }
        if (ImGui::IsItemHovered() || ImGui::IsWindowHovered())
            ImGui::SetTooltip(
                "HeartMath's method: the highest peak in 0.04-0.26 Hz over the last 64 s,\n"
                "ratio = peak power / (total - peak). Score 0-16 maps the ratio piecewise:\n"
                "0 -> 0, 0.5 -> 4, 1.8 -> 8, 10 -> 16. Challenge %d: medium from %.1f, high "
                "from %.1f.",
                config_.window.challenge, th.medium_from, th.high_from);
    }
    if (ImGui::CollapsingHeader("Spectrum, last 64 s", ImGuiTreeNodeFlags_DefaultOpen)) {
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = em * 5;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.6f), 3);
        const double max_hz = 0.5;
        const auto x_of = [&](double f) { return pos.x + w * static_cast<float>(f / max_hz); };
        dl->AddRectFilled({x_of(0.04), pos.y}, {x_of(0.15), pos.y + h}, u32(kLf, 0.5f));
        dl->AddRectFilled({x_of(0.15), pos.y}, {x_of(0.4), pos.y + h}, u32(kHf, 0.4f));
        if (s.spectrum && !s.spectrum->power.empty()) {
            const auto& pw = s.spectrum->power;
            const std::size_t n =
                std::min(pw.size(), static_cast<std::size_t>(max_hz / s.spectrum->df_hz) + 1);
            const double top = *std::max_element(pw.begin(), pw.begin() + static_cast<long>(n));
            std::vector<ImVec2> line;
            for (std::size_t k = 0; k < n; ++k)
                line.push_back({x_of(static_cast<double>(k) * s.spectrum->df_hz),
                                pos.y + h - h * 0.92f * static_cast<float>(top > 0 ? pw[k] / top : 0)});
            dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(kText), 0, 1.8f);
        }
        ImGui::Dummy({w, h});
        ImGui::TextDisabled("0-0.5 Hz; LF blue, HF pink");
    }
    if (ImGui::CollapsingHeader("Sensor", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::TextWrapped("%s", session_ ? session_->info.name.c_str() : "none");
        const ImVec4 state_colour = s.sensor.state == SensorState::connected ? kCalm : kActivated;
        ImGui::TextColored(state_colour, "%s", to_string(s.sensor.state));
        if (s.sensor.battery_pct >= 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("battery %d %%", s.sensor.battery_pct);
        }
        ImGui::TextDisabled("contact %s",
                            s.sensor.state == SensorState::contact_lost ? "LOST" : "ok");
        const double quality =
            s.beats > 0 ? 100.0 * (1.0 - static_cast<double>(s.artifacts) /
                                             static_cast<double>(s.beats))
                        : 0;
        ImGui::TextDisabled("signal %s %% clean beats, %llu gaps",
                            s.beats ? fmt("%.1f", quality).c_str() : "--",
                            static_cast<unsigned long long>(s.gaps));
        if (s.sensor.detail) ImGui::TextWrapped("%s", s.sensor.detail);
    }
}

// [SECTION] tachogram -----------------------------------------------------------------------

void TrainerApp::draw_tachogram(const ImVec2& pos, const ImVec2& size, const Snapshot& s,
                                double t_s) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = size.x, h = std::max(size.y - 4, 10.0f);
    const double span = 120;
    dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.7f), 3);
    const auto x_of = [&](double t) {
        return pos.x + w * static_cast<float>(1 - (t_s - t) / span);
    };
    // The pacer's phases behind the trace: one band per 0.25 s.
    if (session_) {
        const pacer::Schedule sched = session_->pacer->get();
        const ImVec4 c = s.baseline_ready ? arousal_colour(colour_level_) : kNeutral;
        // Runs of equal shading become one rectangle (no seams between samples).
        const auto alpha_at = [&](double t) {
            const pacer::Point p = sched.at(t);
            return p.phase == pacer::Phase::inhale ? 0.30f
                   : p.phase == pacer::Phase::hold ? 0.12f
                                                   : 0.0f;
        };
        double run_from = std::max(0.0, t_s - span);
        float run_a = alpha_at(run_from);
        for (double t = run_from + 0.25;; t += 0.25) {
            const bool end = t >= t_s;
            const float a = end ? -1.0f : alpha_at(t);
            if (a != run_a) {
                if (run_a > 0)
                    dl->AddRectFilled({x_of(run_from), pos.y}, {x_of(std::min(t, t_s)), pos.y + h},
                                      u32(c, run_a));
                run_from = t;
                run_a = a;
            }
            if (end) break;
        }
    }
    if (s.recent && s.recent->size() >= 2) {
        double lo = 1e300, hi = -1e300;
        for (const RecentBeat& b : *s.recent)
            if (!b.artifact) lo = std::min(lo, b.rr_ms), hi = std::max(hi, b.rr_ms);
        if (hi - lo < 50) {
            const double mid = (hi + lo) / 2;
            lo = mid - 25, hi = mid + 25;
        }
        const auto y_of = [&](double rr) {
            return pos.y + h - h * static_cast<float>((rr - lo) / (hi - lo) * 0.84 + 0.08);
        };
        std::vector<ImVec2> line;
        for (const RecentBeat& b : *s.recent) {
            if (b.t_s < t_s - span) continue;
            if (b.artifact) {
                dl->AddCircleFilled({x_of(b.t_s), y_of(std::clamp(b.rr_ms, lo, hi))}, 3,
                                    u32(kHigh));
                continue;
            }
            line.push_back({x_of(b.t_s), y_of(b.rr_ms)});
        }
        if (line.size() >= 2)
            dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(kText), 0, 2.0f);
        char label[32];
        std::snprintf(label, sizeof label, "%.0f", hi);
        dl->AddText({pos.x + 4, pos.y + 2}, u32(kDim), label);
        std::snprintf(label, sizeof label, "%.0f", lo);
        dl->AddText({pos.x + 4, pos.y + h - ImGui::GetFontSize() - 2}, u32(kDim), label);
    }
    ImGui::Dummy({w, h});
}

// [SECTION] overlays ------------------------------------------------------------------------

void TrainerApp::draw_picker() {
    if (!picker_open_) return;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowSize({em * 34, em * 20}, ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            {0.5f, 0.5f});
    if (!ImGui::Begin("Choose a sensor", &picker_open_, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    const bool scanning =
        scan_.valid() && scan_.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    if (scan_.valid() && !scanning) {
        auto [found, problems] = scan_.get();
        scan_result_ = std::move(found);
        scan_problems_ = std::move(problems);
    }
    // A scan can take seconds (BLE discovery): it runs off the UI thread. The first opening
    // starts one.
    const auto start_scan = [this] {
        scan_ = std::async(std::launch::async, [this] {
            std::vector<std::string> problems;
            auto found = registry_.scan(&problems);
            return std::make_pair(std::move(found), std::move(problems));
        });
    };
    if (!scanning && scan_result_.empty() && !scan_.valid()) start_scan();
    if (ImGui::Button(scanning ? "Scanning..." : "Scan again") && !scanning) start_scan();
    ImGui::SameLine();
    ImGui::TextDisabled("Straps (BLE, ANT+), the simulator, or a recorded file");
    ImGui::Separator();
    for (const SensorInfo& info : scan_result_) {
        ImGui::PushID(info.id.c_str());
        const bool current = session_ && session_->info.id == info.id;
        const std::string label = info.name + "   [" + info.id + "]";
        if (ImGui::Selectable(label.c_str(), current)) {
            if (session_) end_session();
            summary_.reset();
            if (start_session(info.id, false)) picker_open_ = false;
        }
        ImGui::PopID();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kActivated);
    for (const std::string& p : scan_problems_) ImGui::TextWrapped("%s", p.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
    ImGui::SetNextItemWidth(em * 22);
    ImGui::InputTextWithHint("##replay", "RR file to replay (path)", replay_path_,
                             sizeof replay_path_);
    ImGui::SameLine();
    if (ImGui::Button("Replay") && replay_path_[0]) {
        if (session_) end_session();
        summary_.reset();
        if (start_session(std::string("replay:") + replay_path_, false)) picker_open_ = false;
    }
    if (!picker_error_.empty()) ImGui::TextWrapped("%s", picker_error_.c_str());
    ImGui::End();
}

void TrainerApp::draw_journal() {
    if (!journal_.open) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->Pos.x + vp->Size.x - em * 1, vp->Pos.y + em * 3.5f},
                            ImGuiCond_Appearing, {1, 0});
    ImGui::SetNextWindowSize({em * 24, 0}, ImGuiCond_Appearing);
    // Not modal: the pacer keeps going behind it.
    if (ImGui::Begin("Trigger marked", &journal_.open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::TextWrapped("Marked at %s. A note now helps you see patterns later; all optional.",
                           clock_text(journal_.mark_t_s).c_str());
        ImGui::InputTextWithHint("##what", "What happened?", journal_.what, sizeof journal_.what);
        ImGui::InputTextWithHint("##body", "Where do you feel it in your body?", journal_.body,
                                 sizeof journal_.body);
        ImGui::InputTextWithHint("##thought", "The thought that came", journal_.thought,
                                 sizeof journal_.thought);
        ImGui::SliderInt("intensity", &journal_.intensity, 0, 10);
        if (ImGui::Button("Save note") && session_) {
            nlohmann::json j{{"what", journal_.what},
                             {"body", journal_.body},
                             {"thought", journal_.thought},
                             {"intensity", journal_.intensity}};
            session_->live->add_journal(journal_.mark_t_s, j.dump());
            journal_.open = false;
        }
        ImGui::SameLine();
        if (ImGui::Button("Skip")) journal_.open = false;
    }
    ImGui::End();
}

void TrainerApp::draw_grounding(const Snapshot& s, double t_s) {
    // Offer 5-4-3-2-1 when arousal has stayed high for a minute and the pacer is at its
    // fastest count (it has nothing left to ease).
    if (session_ && s.baseline_ready && s.arousal.band == ArousalBand::high) {
        const pacer::Schedule sched = session_->pacer->get();
        const pacer::Segment* next = sched.pending_after(t_s);
        const double count = next ? next->count_s : sched.segment_at(t_s).count_s;
        const bool fastest = count <= config_.pacer.adapt.fast_count_s * (1 + 1e-6);
        if (fastest && high_since_s_ < 0) high_since_s_ = t_s;
        if (!fastest) high_since_s_ = -1;
    } else {
        high_since_s_ = -1;
    }
    const bool offer = grounding_step_ < 0 && high_since_s_ >= 0 && t_s - high_since_s_ >= 60 &&
                       t_s >= grounding_quiet_until_s_;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    if (offer) {
        ImGui::SetNextWindowPos({vp->GetCenter().x, vp->Pos.y + em * 4}, ImGuiCond_Always,
                                {0.5f, 0});
        ImGui::Begin("##offer", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize);
        ImGui::TextUnformatted("Still very activated. A grounding exercise can help: 5-4-3-2-1.");
        if (ImGui::Button("Start grounding")) grounding_step_ = 0;
        ImGui::SameLine();
        if (ImGui::Button("Not now")) grounding_quiet_until_s_ = t_s + 300;
        ImGui::End();
    }
    if (grounding_step_ < 0) return;
    static const char* kSteps[] = {
        "Name 5 things you can see around you.", "Notice 4 things you can touch or feel.",
        "Listen for 3 things you can hear.", "Find 2 things you can smell.",
        "Notice 1 thing you can taste."};
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 30, 0});
    ImGui::Begin("Grounding 5-4-3-2-1", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize);
    ImGui::PushFont(font_phase_);
    ImGui::Text("%d", 5 - grounding_step_);
    ImGui::PopFont();
    ImGui::TextWrapped("%s", kSteps[grounding_step_]);
    ImGui::TextDisabled("Take your time. Keep breathing with the circle if you can.");
    if (ImGui::Button(grounding_step_ < 4 ? "Next" : "Done")) {
        if (++grounding_step_ > 4) grounding_step_ = -1, grounding_quiet_until_s_ = t_s + 300;
    }
    ImGui::SameLine();
    if (ImGui::Button("Close")) grounding_step_ = -1, grounding_quiet_until_s_ = t_s + 300;
    ImGui::End();
}

void TrainerApp::draw_settings() {
    if (!settings_open_) return;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 30, 0}, ImGuiCond_Appearing);
    if (!ImGui::Begin("Settings", &settings_open_, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    bool changed = false;
    std::vector<pacer::Pattern> all = pacer::builtin_patterns();
    all.insert(all.end(), config_.pacer.custom.begin(), config_.pacer.custom.end());
    const std::string cur = config_.pacer.pattern.value_or(
        options_.pattern.empty() ? "4-7-8" : options_.pattern);
    if (ImGui::BeginCombo("pattern", cur.c_str())) {
        for (const pacer::Pattern& p : all) {
            const std::string label = p.name + "  (" + p.counts_text() + ")";
            if (ImGui::Selectable(label.c_str(), p.name == cur)) {
                config_.pacer.pattern = p.name;
                options_.pattern.clear();
                if (session_) session_->live->set_pattern(p);
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    ImGui::TextDisabled("A new pattern starts at the next breath cycle.");
    if (ImGui::Checkbox("adapt the tempo to arousal", &config_.pacer.adapt.enabled)) {
        if (session_) session_->live->set_adaptation(config_.pacer.adapt.enabled);
        changed = true;
    }
    float fast = static_cast<float>(config_.pacer.adapt.fast_count_s);
    float slow = static_cast<float>(config_.pacer.adapt.slow_count_s);
    ImGui::SliderFloat("fastest count (s)", &fast, 0.3f, 1.5f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    ImGui::SliderFloat("slowest count (s)", &slow, 0.5f, 2.0f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    config_.pacer.adapt.fast_count_s = std::min(fast, slow);
    config_.pacer.adapt.slow_count_s = std::max(fast, slow);
    ImGui::TextDisabled("Bounds apply from the next session.");
    ImGui::Separator();
    if (ImGui::Checkbox("sound cues", &config_.window.audio)) {
        if (audio_) audio_->set_muted(!config_.window.audio);
        changed = true;
    }
    float vol = static_cast<float>(config_.window.volume);
    if (ImGui::SliderFloat("volume", &vol, 0, 1, "%.2f")) {
        config_.window.volume = vol;
        if (audio_) audio_->set_volume(vol);
    }
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    if (audio_ && !audio_->available())
        ImGui::TextColored(kActivated, "%s", audio_->problem().c_str());
    if (ImGui::SliderInt("challenge level", &config_.window.challenge, 1, 4)) {
        const std::lock_guard lock(mutex_);
        summary_builder_.set_challenge(config_.window.challenge);
    }
    if (ImGui::IsItemDeactivatedAfterEdit()) changed = true;
    float fs = static_cast<float>(config_.window.font_scale);
    ImGui::SliderFloat("text size", &fs, 0.75f, 2.0f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) {
        config_.window.font_scale = fs;
        changed = true;
    }
    ImGui::TextDisabled("Saved in %s", config_path_.c_str());
    if (changed) save_settings();
    ImGui::End();
}

void TrainerApp::draw_summary() {
    if (!summary_) return;
    const TrainingSummary& s = *summary_;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 28, 0});
    bool open = true;
    ImGui::Begin("Session summary", &open,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize);
    if (s.simulated) ImGui::TextColored(kActivated, "Simulated data, not a person's heart.");
    ImGui::Text("Duration          %s", clock_text(s.duration_s).c_str());
    ImGui::Text("Mean heart rate   %s bpm",
                s.mean_hr_bpm ? fmt("%.0f", *s.mean_hr_bpm).c_str() : "--");
    ImGui::Text("RMSSD first 3 min %s ms",
                s.rmssd_first_ms ? fmt("%.1f", *s.rmssd_first_ms).c_str() : "--");
    ImGui::Text("RMSSD last 3 min  %s ms",
                s.rmssd_last_ms ? fmt("%.1f", *s.rmssd_last_ms).c_str() : "--");
    ImGui::Separator();
    ImGui::Text("Coherence (challenge %d): low %s, medium %s, high %s", s.challenge,
                clock_text(s.coherence_s[0]).c_str(), clock_text(s.coherence_s[1]).c_str(),
                clock_text(s.coherence_s[2]).c_str());
    ImGui::Text("Triggers marked   %d", s.triggers_marked);
    ImGui::Text("Surges detected   %d", s.triggers_detected);
    for (double r : s.recovery_s) ImGui::Text("  recovered in %s", clock_text(r).c_str());
    ImGui::Text("Pacer adaptations %d", s.pacer_adaptations);
    ImGui::TextDisabled("The session is saved; `steady sessions` lists it.");
    if (ImGui::Button("Close summary")) open = false;
    ImGui::End();
    if (!open) summary_.reset();
}

}  // namespace steady::ui
