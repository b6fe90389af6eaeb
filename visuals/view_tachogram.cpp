// The RR tachogram of the last 2 minutes: the pacer's inhale and hold shaded behind the trace,
// beats the online screen set aside as dots, the user's marks and detected surges as lines, and
// a legend for each.
#include <algorithm>
#include <cstdio>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

// One legend entry: a swatch (drawn by `swatch` into a box one text line high) and its label.
template <typename Swatch>
void legend(const char* label, Swatch swatch) {
    const float em = ImGui::GetFontSize();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    swatch(ImGui::GetWindowDrawList(), p, ImVec2{p.x + em * 1.2f, p.y + em});
    ImGui::Dummy({em * 1.4f, em});
    ImGui::SameLine();
    ImGui::TextDisabled("%s", label);
    ImGui::SameLine(0, em * 1.2f);
}

}  // namespace

void draw_tachogram(Frame& f, const ImVec2& pos0, const ImVec2& size) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec4 c = f.pacer_colour();
    // Title and legend on one line.
    ImGui::TextDisabled("Heart rhythm, last 2 minutes (RR, ms)");
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    legend("inhale",
           [&](ImDrawList* d, ImVec2 a, ImVec2 b) { d->AddRectFilled(a, b, u32(c, 0.30f)); });
    legend("hold",
           [&](ImDrawList* d, ImVec2 a, ImVec2 b) { d->AddRectFilled(a, b, u32(c, 0.12f)); });
    legend("beat set aside (artifact)", [](ImDrawList* d, ImVec2 a, ImVec2 b) {
        d->AddCircleFilled({(a.x + b.x) / 2, (a.y + b.y) / 2}, 3.5f, u32(kActivated));
    });
    legend("your mark", [](ImDrawList* d, ImVec2 a, ImVec2 b) {
        d->AddLine({(a.x + b.x) / 2, a.y}, {(a.x + b.x) / 2, b.y}, u32(kMark), 2.5f);
    });
    legend("surge detected", [](ImDrawList* d, ImVec2 a, ImVec2 b) {
        d->AddLine({(a.x + b.x) / 2, a.y}, {(a.x + b.x) / 2, b.y}, u32(kSurge), 2.5f);
    });
    ImGui::NewLine();
    const float used = ImGui::GetCursorScreenPos().y - pos0.y;
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = size.x, h = std::max(size.y - used - 4, 10.0f);
    const double span = kTachogramS, t_s = f.t_s;
    dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, u32(kBackground, 0.7f), 3);
    const auto x_of = [&](double t) {
        return pos.x + w * static_cast<float>(1 - (t_s - t) / span);
    };
    // The pacer's phases behind the trace, sampled every 0.25 s; runs of equal shading become
    // one rectangle (no seams between samples).
    if (f.view && f.view->pacer) {
        const pacer::Schedule& sched = *f.view->pacer;
        // Nothing before the pacer began (a protocol step starts its own mid-session).
        const double began = sched.empty() ? 0.0 : sched.segments().front().start_s;
        const auto alpha_at = [&](double t) {
            if (t < began) return 0.0f;
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
    // Marks and detected surges.
    if (f.view && f.view->events) {
        for (const Event& e : *f.view->events) {
            if (e.t_s < t_s - span || e.t_s > t_s) continue;
            const bool mark = e.as<MarkEvent>() != nullptr;
            if (!mark && !e.as<TriggerEvent>()) continue;
            const float x = x_of(e.t_s);
            dl->AddLine({x, pos.y}, {x, pos.y + h}, u32(mark ? kMark : kSurge), 2.5f);
            dl->AddText({x + 4, pos.y + 2}, u32(mark ? kMark : kSurge), mark ? "mark" : "surge");
        }
    }
    const Snapshot& s = f.snap;
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
                dl->AddCircleFilled({x_of(b.t_s), y_of(std::clamp(b.rr_ms, lo, hi))}, 3.5f,
                                    u32(kActivated));
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

}  // namespace steady::ui
