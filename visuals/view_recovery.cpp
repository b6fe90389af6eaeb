// The recovery panel: while an episode is open, heart rate since the trigger against the
// pre-trigger baseline, the curve fitted so far and the half-recovery time it gives; when it is
// over, one gentle line.
#include <algorithm>
#include <cmath>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {

void draw_recovery_panel(Frame& f) {
    const SessionView* v = f.view;
    if (!v || (!v->episode && !v->last_recovery)) return;
    if (!ImGui::CollapsingHeader("Recovery", ImGuiTreeNodeFlags_DefaultOpen)) return;
    const float em = ImGui::GetFontSize();
    if (!v->episode) {
        const RecoveredEvent& r = *v->last_recovery;
        if (r.t50_s)
            ImGui::TextWrapped("Half-way back in %s, settled in %s.", clock_text(*r.t50_s).c_str(),
                               clock_text(r.back_to_baseline_s).c_str());
        else
            ImGui::TextWrapped("Settled in %s.", clock_text(r.back_to_baseline_s).c_str());
        return;
    }
    const LiveEpisode& ep = *v->episode;
    const bool rest_known = std::isfinite(ep.baseline_hr_bpm);
    if (rest_known)
        ImGui::TextWrapped(
            "Since the trigger at %s: your heart rate against your rest before it "
            "(%.0f bpm).",
            clock_text(ep.onset_s).c_str(), ep.baseline_hr_bpm);
    else
        ImGui::TextWrapped(
            "Since the trigger at %s: your heart rate (your rest before it was "
            "not measured yet).",
            clock_text(ep.onset_s).c_str());
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float h = std::max(em * 4, ImGui::GetWindowHeight() * 0.14f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.6f), 3);
    const double t0 = ep.onset_s, t1 = std::max(f.t_s, ep.onset_s + 300);
    double lo = 1e300, hi = -1e300;
    if (rest_known)
        lo = ep.baseline_hr_bpm - 5, hi = std::max(ep.peak_hr_bpm, ep.baseline_hr_bpm + 10) + 3;
    if (ep.hr)
        for (const auto& [t, hr] : *ep.hr) lo = std::min(lo, hr - 2), hi = std::max(hi, hr + 2);
    if (!(hi > lo)) lo = 50, hi = 120;
    const auto x_of = [&](double t) {
        return pos.x + w * static_cast<float>((t - t0) / (t1 - t0));
    };
    const auto y_of = [&](double hr) {
        return pos.y + h * static_cast<float>(1 - (hr - lo) / (hi - lo));
    };
    // The baseline, and the band within which the heart rate counts as back (+3 bpm).
    if (rest_known) {
        dl->AddRectFilled({pos.x, y_of(ep.baseline_hr_bpm + 3)},
                          {pos.x + w, y_of(ep.baseline_hr_bpm)}, u32(kCalm, 0.18f));
        dl->AddLine({pos.x, y_of(ep.baseline_hr_bpm)}, {pos.x + w, y_of(ep.baseline_hr_bpm)},
                    u32(kCalm, 0.8f), 1.5f);
    }
    if (ep.hr && ep.hr->size() >= 2) {
        std::vector<ImVec2> line;
        for (const auto& [t, hr] : *ep.hr) line.push_back({x_of(t), y_of(hr)});
        dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(kText), 0, 1.8f);
    }
    if (ep.fit) {  // the fitted curve from the peak, a little past now
        std::vector<ImVec2> curve;
        const double amount = ep.peak_hr_bpm - ep.fit->level;
        for (double t = ep.peak_s; t <= t1; t += (t1 - t0) / 80)
            curve.push_back({x_of(t), y_of(ep.fit->level +
                                           amount * std::exp(-(t - ep.peak_s) / ep.fit->tau_s))});
        dl->AddPolyline(curve.data(), static_cast<int>(curve.size()), u32(kActivated, 0.9f), 0,
                        1.5f);
    }
    ImGui::Dummy({w, h});
    if (ep.fit)
        ImGui::TextWrapped("Half-way back about %s after the peak (the fitted curve, amber).",
                           clock_text(ep.fit->t50_s).c_str());
    else
        ImGui::TextDisabled("The curve comes 3 minutes after the peak.");
}

}  // namespace steady::ui
