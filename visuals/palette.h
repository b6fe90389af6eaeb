// Steady's colours. The arousal bands use the Okabe-Ito palette (blue, orange, vermillion),
// chosen to stay distinguishable with the common colour-vision deficiencies; every band is also
// named in text, so colour is never the only cue.
#pragma once

#include <imgui.h>

#include <algorithm>

namespace steady::ui {

inline ImVec4 rgb(int r, int g, int b, float a = 1.0f) {
    return {static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f,
            static_cast<float>(b) / 255.0f, a};
}

inline const ImVec4 kBackground = rgb(14, 20, 28);
inline const ImVec4 kPanel = rgb(22, 30, 40);
inline const ImVec4 kText = rgb(226, 232, 240);
inline const ImVec4 kDim = rgb(140, 152, 168);
inline const ImVec4 kCalm = rgb(86, 180, 233);       // sky blue
inline const ImVec4 kActivated = rgb(230, 159, 0);   // orange
inline const ImVec4 kHigh = rgb(213, 94, 0);         // vermillion
inline const ImVec4 kNeutral = rgb(0, 158, 115);     // bluish green: before the baseline
inline const ImVec4 kLf = rgb(0, 114, 178, 0.45f);   // blue
inline const ImVec4 kHf = rgb(204, 121, 167, 0.45f); // reddish purple

inline ImVec4 mix(const ImVec4& a, const ImVec4& b, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t,
            a.w + (b.w - a.w) * t};
}

// A continuous colour for an arousal level 0-1: calm blue below 0.35, orange around 0.5,
// vermillion from 0.65 (the bands of engine/arousal.h).
inline ImVec4 arousal_colour(float level) {
    if (level < 0.35f) return kCalm;
    if (level < 0.5f) return mix(kCalm, kActivated, (level - 0.35f) / 0.15f);
    return mix(kActivated, kHigh, (level - 0.5f) / 0.15f);
}

inline ImU32 u32(const ImVec4& c, float alpha = 1.0f) {
    return ImGui::ColorConvertFloat4ToU32({c.x, c.y, c.z, c.w * alpha});
}

}  // namespace steady::ui
