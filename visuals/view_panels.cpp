// The panels either side of the pacer. Left: heart rate, RMSSD, arousal, breathing. Right:
// coherence, the spectrum of the last 64 s, the sensor.
#include <algorithm>

#include "hrv/coherence.h"
#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

// A figure in the large number font with its unit beside it.
void big_number(const Frame& f, const std::string& value, const char* unit) {
    ImGui::PushFont(f.fonts.number);
    ImGui::TextUnformatted(value.c_str());
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", unit);
}

// Chart heights grow with the column's height, so a large window fills its panels.
float chart_h(float share, float min_em) {
    return std::max(ImGui::GetFontSize() * min_em, ImGui::GetWindowHeight() * share);
}

constexpr double kSlowPaceBpm = 6;  // below this a 64-s window resolves breathing too coarsely

}  // namespace

void draw_left_panels(Frame& f) {
    const Snapshot& s = f.snap;
    const float em = ImGui::GetFontSize();
    const SessionView* v = f.view;
    // Room for the recovery panel below when there is one.
    const float share = v && (v->episode || v->last_recovery) ? 0.5f : 1.0f;
    if (ImGui::CollapsingHeader("Heart rate", ImGuiTreeNodeFlags_DefaultOpen)) {
        big_number(f, s.hr_bpm ? fmt("%.0f", *s.hr_bpm) : "--",
                   f.simulated() ? "bpm (simulated)" : "bpm");
        const auto* hr = v ? v->hr_history.get() : nullptr;
        if (hr && hr->size() >= 10) {
            const double d = hr->back().second - (*hr)[hr->size() - 10].second;
            ImGui::SameLine();
            ImGui::TextDisabled("%s", d > 1 ? "rising" : d < -1 ? "falling" : "steady");
        }
        sparkline(hr, f.t_s, kTachogramS, kText, chart_h(0.16f * share, 2.4f));
        ImGui::TextDisabled("last 2 minutes");
    }
    if (ImGui::CollapsingHeader("RMSSD", ImGuiTreeNodeFlags_DefaultOpen)) {
        big_number(f, s.rmssd_60s_ms ? fmt("%.1f", *s.rmssd_60s_ms) : "--", "ms, last 60 s");
        sparkline(v ? v->rmssd_history.get() : nullptr, f.t_s, kTachogramS, kCalm,
                  chart_h(0.12f * share, 2.0f));
    }
    if (ImGui::CollapsingHeader("Arousal", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (!s.baseline_ready) {
            ImGui::TextWrapped("%s", v && v->protocol
                                         ? "Measuring the resting baseline (the protocol's "
                                           "baseline step)..."
                                         : "Measuring your resting baseline (first 2 minutes)...");
        } else {
            ImGui::PushFont(f.fonts.number);
            const ImVec4 band = s.arousal.band == ArousalBand::calm        ? kCalm
                                : s.arousal.band == ArousalBand::activated ? kActivated
                                                                           : kHigh;
            ImGui::TextColored(band, "%s", to_string(s.arousal.band));
            ImGui::PopFont();
            ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            ImGui::TextDisabled("level %.2f", s.arousal.level);
            zone_bar(static_cast<float>(s.arousal.level), 1.0f,
                     {{0.35f, kCalm}, {0.65f, kActivated}, {1.0f, kHigh}}, em * 0.6f);
            if (s.baseline)
                ImGui::TextDisabled("vs your rest: %.0f bpm, RMSSD %.0f ms", s.baseline->hr_bpm,
                                    s.baseline->rmssd_ms);
        }
    }
    if (ImGui::CollapsingHeader("Breathing", ImGuiTreeNodeFlags_DefaultOpen)) {
        const double paced = f.pace && f.pace->cycle_s > 0 ? 60 / f.pace->cycle_s : 0;
        ImGui::Text("paced     %s /min", paced > 0 ? fmt("%.1f", paced).c_str() : "--");
        // Slow breathing (4-7-8 is about 3/min) needs the 5-minute spectrum: a 64-s window
        // resolves only 0.94 breaths/min.
        const bool slow = paced > 0 && paced < kSlowPaceBpm;
        const std::optional<double> measured =
            slow ? s.resp_rate_bpm
                 : (s.coherence_peak_hz ? std::optional(60 * *s.coherence_peak_hz) : std::nullopt);
        ImGui::Text("measured  %s /min", measured ? fmt("%.1f", *measured).c_str() : "--");
        ImGui::PushStyleColor(ImGuiCol_Text, kDim);
        ImGui::TextWrapped(slow ? "measured: the breathing peak of your heart rhythm over the "
                                  "last 5 minutes (slow breaths need the longer window)"
                                : "measured: the breathing peak of your heart rhythm over the "
                                  "last 64 s");
        ImGui::PopStyleColor();
    }
    draw_recovery_panel(f);
}

void draw_right_panels(Frame& f) {
    const Snapshot& s = f.snap;
    const float em = ImGui::GetFontSize();
    if (ImGui::CollapsingHeader("Coherence", ImGuiTreeNodeFlags_DefaultOpen)) {
        const int ch = f.config.window.challenge;
        const hrv::CoherenceThresholds th = hrv::coherence_thresholds(ch);
        if (s.coherence_ratio) {
            const auto level = hrv::coherence_level(*s.coherence_ratio, ch);
            big_number(f, fmt("%.1f", *s.coherence_score), "");
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
                ch, th.medium_from, th.high_from);
    }
    if (ImGui::CollapsingHeader("Spectrum, last 64 s", ImGuiTreeNodeFlags_DefaultOpen)) {
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x, h = chart_h(0.25f, 6.0f);
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.6f), 3);
        const double max_hz = 0.5;
        const auto x_of = [&](double fr) { return pos.x + w * static_cast<float>(fr / max_hz); };
        dl->AddRectFilled({x_of(0.04), pos.y}, {x_of(0.15), pos.y + h}, u32(kLf));
        dl->AddRectFilled({x_of(0.15), pos.y}, {x_of(0.4), pos.y + h}, u32(kHf));
        if (s.spectrum && !s.spectrum->power.empty()) {
            const auto& pw = s.spectrum->power;
            const std::size_t n =
                std::min(pw.size(), static_cast<std::size_t>(max_hz / s.spectrum->df_hz) + 1);
            const double top = *std::max_element(pw.begin(), pw.begin() + static_cast<long>(n));
            std::vector<ImVec2> line;
            for (std::size_t k = 0; k < n; ++k)
                line.push_back(
                    {x_of(static_cast<double>(k) * s.spectrum->df_hz),
                     pos.y + h - h * 0.92f * static_cast<float>(top > 0 ? pw[k] / top : 0)});
            dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(kText), 0, 1.8f);
        }
        ImGui::Dummy({w, h});
        ImGui::TextDisabled("0-0.5 Hz; LF band blue, HF band yellow");
    }
    if (ImGui::CollapsingHeader("Sensor", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::TextWrapped("%s", f.view ? f.view->sensor.name.c_str() : "none");
        const ImVec4 state_colour = s.sensor.state == SensorState::connected ? kCalm : kActivated;
        ImGui::TextColored(state_colour, "%s", to_string(s.sensor.state));
        if (s.sensor.battery_pct >= 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("battery %d %%", s.sensor.battery_pct);
        }
        ImGui::TextDisabled("contact %s",
                            s.sensor.state == SensorState::contact_lost ? "LOST" : "ok");
        const double quality =
            s.beats > 0
                ? 100.0 * (1.0 - static_cast<double>(s.artifacts) / static_cast<double>(s.beats))
                : 0;
        ImGui::TextDisabled("signal %s %% clean beats, %llu gaps",
                            s.beats ? fmt("%.1f", quality).c_str() : "--",
                            static_cast<unsigned long long>(s.gaps));
        if (s.sensor.detail) ImGui::TextWrapped("%s", s.sensor.detail);
        if (f.view && !f.view->sync.empty()) {
            // The practice's server: the session is kept here either way.
            if (f.view->sync == "away")
                ImGui::TextColored(kActivated, "practice server away: kept here, sent when back");
            else
                ImGui::TextDisabled("practice server %s",
                                    f.view->sync == "caught_up" ? "up to date" : "connected");
        }
        if (f.view && !f.view->warning.empty())
            ImGui::TextColored(kActivated, "%s", f.view->warning.c_str());
    }
}

}  // namespace steady::ui
