// Small widgets the views share: clock text, number formatting, sparklines and zone bars.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

void centered_text(ImDrawList* dl, ImFont* font, const ImVec2& centre, ImU32 col,
                   const char* text) {
    const ImVec2 size = font->CalcTextSizeA(font->FontSize, 1e9f, 0, text);
    dl->AddText(font, font->FontSize, {centre.x - size.x / 2, centre.y - size.y / 2}, col, text);
}

void sparkline(const std::vector<std::pair<double, double>>* pts, double now_s, double span_s,
               const ImVec4& colour, float height) {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(pos, {pos.x + w, pos.y + height}, u32(kBackground, 0.6f), 3);
    if (pts && pts->size() >= 2) {
        double lo = 1e300, hi = -1e300;
        for (const auto& [t, v] : *pts) lo = std::min(lo, v), hi = std::max(hi, v);
        if (hi - lo < 1e-9) hi = lo + 1;
        const double pad = (hi - lo) * 0.15;
        lo -= pad, hi += pad;
        std::vector<ImVec2> line;
        line.reserve(pts->size());
        for (const auto& [t, v] : *pts) {
            const float x = pos.x + w * static_cast<float>(1 - (now_s - t) / span_s);
            const float y = pos.y + height * static_cast<float>(1 - (v - lo) / (hi - lo));
            if (x >= pos.x) line.push_back({std::min(x, pos.x + w), y});
        }
        if (line.size() >= 2)
            dl->AddPolyline(line.data(), static_cast<int>(line.size()), u32(colour), 0,
                            1.6f * ImGui::GetFontSize() / 17.0f);
    }
    ImGui::Dummy({w, height});
}

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

ImVec4 Frame::pacer_colour() const {
    return snap.baseline_ready ? arousal_colour(ui.colour_level) : kNeutral;
}

}  // namespace steady::ui
