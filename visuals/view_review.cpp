// A past session, reviewed (from the summary's "Review..." button): the tachogram over the whole
// session with the protocol's steps shaded and its marks, surges and gaps drawn in (zoom with
// the wheel or the slider, scroll with the other), coherence over the same time, the per-step
// table, each episode's recovery with its fit, the journal notes, and a PDF report of it.
#include <algorithm>
#include <cmath>

#include "hrv/coherence.h"
#include "sensor/sensor.h"
#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

struct Axis {
    ImVec2 pos, size;
    double x0, x1, y0, y1;
    float px(double v) const { return pos.x + static_cast<float>((v - x0) / (x1 - x0)) * size.x; }
    float py(double v) const {
        return pos.y + size.y - static_cast<float>((v - y0) / (y1 - y0)) * size.y;
    }
};

// Steps shaded and named, marks and surges as lines, gaps hatched: behind both plots.
void session_marks(ImDrawList* dl, const Review& r, const Axis& a, bool names) {
    for (const auto& st : r.summary.steps) {
        const float x0 = std::max(a.px(st.start_s), a.pos.x);
        const float x1 = std::min(a.px(st.end_s), a.pos.x + a.size.x);
        if (x1 <= x0) continue;
        dl->AddRectFilled({x0, a.pos.y}, {x1, a.pos.y + a.size.y},
                          u32(kText, st.index % 2 ? 0.03f : 0.08f));
        if (names)
            dl->AddText({x0 + 3, a.pos.y + 2}, u32(kDim),
                        (std::to_string(st.index + 1) + " " + st.name).c_str());
    }
    for (const Event& e : r.record.events) {
        if (const auto* g = e.as<GapEvent>()) {
            const float x0 = std::max(a.px(e.t_s - g->missing_s), a.pos.x);
            const float x1 = std::min(a.px(e.t_s), a.pos.x + a.size.x);
            if (x1 > x0)
                dl->AddRectFilled({x0, a.pos.y}, {x1, a.pos.y + a.size.y}, u32(kActivated, 0.15f));
            continue;
        }
        const bool mark = e.as<MarkEvent>() != nullptr, surge = e.as<TriggerEvent>() != nullptr;
        if ((!mark && !surge) || e.t_s < a.x0 || e.t_s > a.x1) continue;
        const float x = a.px(e.t_s);
        dl->AddLine({x, a.pos.y}, {x, a.pos.y + a.size.y}, u32(mark ? kActivated : kHigh), 1.5f);
        if (names)
            dl->AddText({x + 3, a.pos.y + a.size.y - ImGui::GetFontSize() - 2},
                        u32(mark ? kActivated : kHigh), mark ? "your mark" : "surge");
    }
}

void time_ticks(ImDrawList* dl, const Axis& a) {
    const double span = a.x1 - a.x0;
    const double step = span > 3600   ? 600
                        : span > 1200 ? 300
                        : span > 300  ? 60
                        : span > 60   ? 15
                                      : 5;
    for (double t = std::ceil(a.x0 / step) * step; t <= a.x1; t += step) {
        const float x = a.px(t);
        dl->AddLine({x, a.pos.y + a.size.y}, {x, a.pos.y + a.size.y + 4}, u32(kDim));
        dl->AddText({x - 12, a.pos.y + a.size.y + 5}, u32(kDim), clock_text(t).c_str());
    }
}

void tachogram(Review& r, float height) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float em = ImGui::GetFontSize();
    const ImVec2 pos{ImGui::GetCursorScreenPos().x + em * 3, ImGui::GetCursorScreenPos().y};
    const ImVec2 size{ImGui::GetContentRegionAvail().x - em * 3, height};
    const double from = r.from_s, to = r.from_s + r.span_s;
    double lo = 1e9, hi = 0;
    for (const PlacedBeat& b : r.record.beats)
        if (b.t_s >= from && b.t_s <= to && !(b.flags & kBeatSuspectedArtifact)) {
            lo = std::min(lo, b.rr_ms);
            hi = std::max(hi, b.rr_ms);
        }
    if (hi <= lo) lo = 600, hi = 1000;
    const Axis a{pos, size, from, to, lo - 20, hi + 20};
    dl->AddRectFilled(pos, {pos.x + size.x, pos.y + size.y}, u32(kPanel));
    session_marks(dl, r, a, true);
    dl->PushClipRect(pos, {pos.x + size.x, pos.y + size.y}, true);
    ImVec2 last{};
    bool pen = false;
    for (const PlacedBeat& b : r.record.beats) {
        if (b.t_s < from - 5 || b.t_s > to + 5) continue;
        const ImVec2 p{a.px(b.t_s), a.py(b.rr_ms)};
        if (b.flags & kBeatSuspectedArtifact) {
            dl->AddCircleFilled({p.x, std::clamp(p.y, pos.y + 3, pos.y + size.y - 3)}, 2.5f,
                                u32(kActivated));
            continue;
        }
        if (pen && !(b.flags & kBeatGapBefore)) dl->AddLine(last, p, u32(kText), 1.2f);
        last = p;
        pen = true;
    }
    dl->PopClipRect();
    dl->AddText({pos.x - em * 2.8f, pos.y}, u32(kDim), fmt("%.0f", hi + 20).c_str());
    dl->AddText({pos.x - em * 2.8f, pos.y + size.y - em}, u32(kDim), fmt("%.0f", lo - 20).c_str());
    time_ticks(dl, a);
    // The wheel over the plot zooms about the pointer.
    ImGui::SetCursorScreenPos(pos);
    ImGui::InvisibleButton("##tacho", size);
    if (ImGui::IsItemHovered() && ImGui::GetIO().MouseWheel != 0) {
        const double at = from + (ImGui::GetIO().MousePos.x - pos.x) / size.x * r.span_s;
        const double factor = ImGui::GetIO().MouseWheel > 0 ? 0.8 : 1.25;
        const double total = std::max(r.summary.duration_s, 1.0);
        const double span = std::clamp(r.span_s * factor, std::min(30.0, total), total);
        r.from_s = std::clamp(at - (at - from) * span / r.span_s, 0.0, total - span);
        r.span_s = span;
    }
    ImGui::Dummy({0, em * 1.4f});
}

void coherence_plot(Review& r, float height) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float em = ImGui::GetFontSize();
    const ImVec2 pos{ImGui::GetCursorScreenPos().x + em * 3, ImGui::GetCursorScreenPos().y};
    const ImVec2 size{ImGui::GetContentRegionAvail().x - em * 3, height};
    const auto th = hrv::coherence_thresholds(r.summary.challenge);
    double top = th.high_from * 1.5;
    for (const auto& [t, ratio] : r.coherence) top = std::max(top, std::min(ratio, 12.0));
    const Axis a{pos, size, r.from_s, r.from_s + r.span_s, 0, top};
    dl->AddRectFilled(pos, {pos.x + size.x, pos.y + size.y}, u32(kPanel));
    dl->AddRectFilled({pos.x, a.py(top)}, {pos.x + size.x, a.py(th.high_from)}, u32(kCalm, 0.10f));
    dl->AddRectFilled({pos.x, a.py(th.high_from)}, {pos.x + size.x, a.py(th.medium_from)},
                      u32(kCalm, 0.05f));
    session_marks(dl, r, a, false);
    dl->PushClipRect(pos, {pos.x + size.x, pos.y + size.y}, true);
    for (std::size_t i = 1; i < r.coherence.size(); ++i) {
        const auto& [t0, c0] = r.coherence[i - 1];
        const auto& [t1, c1] = r.coherence[i];
        if (t1 - t0 > 6) continue;
        dl->AddLine({a.px(t0), a.py(std::min(c0, top))}, {a.px(t1), a.py(std::min(c1, top))},
                    u32(kCalm), 1.5f);
    }
    dl->PopClipRect();
    dl->AddText({pos.x + size.x - em * 4, a.py(top) + 2}, u32(kDim), "high");
    dl->AddText({pos.x + size.x - em * 4, a.py(th.medium_from) - em - 1}, u32(kDim), "medium");
    dl->AddText({pos.x - em * 2.8f, pos.y}, u32(kDim), fmt("%.0f", top).c_str());
    time_ticks(dl, a);
    ImGui::Dummy({size.x, size.y + em * 1.4f});
}

void recovery_plot(const Review& r, const recovery::Episode& ep, const ImVec2& size) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const double from = std::max(0.0, ep.onset_s - 60), to = std::max(ep.end_s, ep.peak_s + 60);
    double lo = ep.baseline_hr_bpm, hi = ep.peak_hr_bpm;
    for (auto k = static_cast<std::size_t>(from); k < r.hr.size() && static_cast<double>(k) <= to;
         ++k)
        if (r.hr[k] > 0) {
            lo = std::min(lo, r.hr[k]);
            hi = std::max(hi, r.hr[k]);
        }
    const Axis a{pos, size, from, to, lo - 3, hi + 3};
    dl->AddRectFilled(pos, {pos.x + size.x, pos.y + size.y}, u32(kPanel));
    for (auto k = static_cast<std::size_t>(from); k < r.hr.size() && static_cast<double>(k) <= to;
         ++k)
        if (r.hr[k] > 0)
            dl->AddCircleFilled({a.px(static_cast<double>(k)), a.py(r.hr[k])}, 1.3f, u32(kDim));
    dl->AddLine({pos.x, a.py(ep.baseline_hr_bpm)}, {pos.x + size.x, a.py(ep.baseline_hr_bpm)},
                u32(kCalm, 0.6f), 1.0f);
    if (ep.hr) {
        const double amount = ep.peak_hr_bpm - ep.hr->level;
        ImVec2 last{};
        for (double t = ep.peak_s; t <= ep.end_s; t += 2) {
            const ImVec2 p{a.px(t),
                           a.py(ep.hr->level + amount * std::exp(-(t - ep.peak_s) / ep.hr->tau_s))};
            if (t > ep.peak_s) dl->AddLine(last, p, u32(kText), 2.0f);
            last = p;
        }
    }
    ImGui::Dummy(size);
}

}  // namespace

void draw_review(Frame& f) {
    if (!f.ui.review) return;
    Review& r = *f.ui.review;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({vp->Size.x * 0.94f, vp->Size.y * 0.92f}, ImGuiCond_Appearing);
    bool open = true;
    const StoredSession& s = r.record.session;
    const std::string title = "Review: session " + std::to_string(s.id) + "###review";
    if (!ImGui::Begin(title.c_str(), &open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        if (!open) f.ui.review.reset();
        return;
    }
    ImGui::Text("%s   %s UTC   %s   %s   %s", s.client.c_str(), s.started_at.substr(0, 16).c_str(),
                r.protocol.empty() ? "free training" : ("protocol " + r.protocol).c_str(),
                clock_text(r.summary.duration_s).c_str(), s.sensor.c_str());
    ImGui::SameLine(ImGui::GetWindowWidth() - em * 16);
    if (ImGui::Button("Write PDF report")) f.ctl.write_report();
    ImGui::SameLine();
    if (ImGui::Button("Close")) open = false;
    if (!r.report.empty()) ImGui::TextColored(kCalm, "%s", r.report.c_str());

    // Zoom and scroll.
    const double total = std::max(r.summary.duration_s, 1.0);
    float span_min = static_cast<float>(r.span_s / 60);
    ImGui::SetNextItemWidth(em * 14);
    if (ImGui::SliderFloat("shown (min)", &span_min, static_cast<float>(std::min(0.5, total / 60)),
                           static_cast<float>(total / 60), "%.1f")) {
        r.span_s = std::clamp(static_cast<double>(span_min) * 60, std::min(30.0, total), total);
        r.from_s = std::clamp(r.from_s, 0.0, total - r.span_s);
    }
    ImGui::SameLine();
    float from_min = static_cast<float>(r.from_s / 60);
    ImGui::SetNextItemWidth(em * 20);
    ImGui::BeginDisabled(r.span_s >= total);
    if (ImGui::SliderFloat("from (min)", &from_min, 0, static_cast<float>((total - r.span_s) / 60),
                           "%.1f"))
        r.from_s = std::clamp(static_cast<double>(from_min) * 60, 0.0, total - r.span_s);
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Whole session")) {
        r.from_s = 0;
        r.span_s = total;
    }
    ImGui::TextDisabled(
        "RR (ms); the wheel over it zooms. Orange: your marks and beats set "
        "aside; rose: surges; shaded: steps and gaps.");
    tachogram(r, std::max(vp->Size.y * 0.26f, em * 8));
    ImGui::TextDisabled("Coherence ratio over the same time (HeartMath, 64-s windows)");
    coherence_plot(r, std::max(vp->Size.y * 0.12f, em * 5));

    if (!r.summary.steps.empty() &&
        ImGui::CollapsingHeader("Per-step statistics", ImGuiTreeNodeFlags_DefaultOpen))
        draw_step_table(r.summary);
    if (!r.episodes.empty() &&
        ImGui::CollapsingHeader("Recovery curves", ImGuiTreeNodeFlags_DefaultOpen)) {
        const float w = std::min(em * 22, ImGui::GetContentRegionAvail().x / 3 - em);
        int col = 0;
        for (const recovery::Episode& ep : r.episodes) {
            ImGui::BeginGroup();
            ImGui::Text("Episode at %s (%s)", clock_text(ep.onset_s).c_str(), ep.source.c_str());
            if (ep.hr)
                ImGui::TextDisabled("t50 %s, tau %.0f s, R2 %.2f", clock_text(ep.hr->t50_s).c_str(),
                                    ep.hr->tau_s, ep.hr->r2);
            else
                ImGui::TextDisabled("no fit: %s", ep.hr_reason.c_str());
            recovery_plot(r, ep, {w, em * 7});
            ImGui::EndGroup();
            if (++col % 3 != 0) ImGui::SameLine();
        }
        if (col % 3 != 0) ImGui::NewLine();
    }
    bool notes = false;
    for (const Event& e : r.record.events) {
        const auto* n = e.as<JournalEvent>();
        if (!n) continue;
        if (!notes && !ImGui::CollapsingHeader("Journal notes", ImGuiTreeNodeFlags_DefaultOpen))
            break;
        notes = true;
        ImGui::TextDisabled("%s", clock_text(n->mark_t_s).c_str());
        ImGui::SameLine();
        std::string text = n->what.empty() ? "(no note)" : n->what;
        if (n->intensity) text += " (intensity " + std::to_string(*n->intensity) + "/10)";
        if (!n->thought.empty()) text += "; thought: " + n->thought;
        ImGui::TextWrapped("%s", text.c_str());
    }
    ImGui::End();
    if (!open) f.ui.review.reset();
}

}  // namespace steady::ui
