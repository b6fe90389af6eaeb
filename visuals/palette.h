// Steady's colours, and the contrast rule every text on them follows.
//
// The arousal bands: calm is sky blue and activated a soft amber (Okabe-Ito's blue and orange,
// told apart with the common colour-vision deficiencies). High arousal is a warm dusky rose
// (Okabe-Ito's reddish purple), not vermillion: it appears exactly when an anxious user is most
// activated, and an alarm red at that moment adds to the alarm. The rose is warm and calm, still
// distinct from blue and amber under deuteranopia and protanopia, and every band is also named
// in text, so colour is never the only cue.
//
// Text on a pacer colour is kText or kInk, whichever contrasts more; the test
// (tests/visuals/test_palette.cpp) checks WCAG 2.x contrast of at least 4.5:1 for every text on
// every pacer colour the window can show.
#pragma once

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace steady::ui {

inline ImVec4 rgb(int r, int g, int b, float a = 1.0f) {
    return {static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f,
            static_cast<float>(b) / 255.0f, a};
}

inline const ImVec4 kBackground = rgb(14, 20, 28);
inline const ImVec4 kPanel = rgb(22, 30, 40);
inline const ImVec4 kText = rgb(226, 232, 240);
inline const ImVec4 kInk = rgb(10, 14, 20);  // dark text on light fills
inline const ImVec4 kDim = rgb(150, 162, 178);
inline const ImVec4 kCalm = rgb(86, 180, 233);       // sky blue
inline const ImVec4 kActivated = rgb(230, 159, 0);   // amber
inline const ImVec4 kHigh = rgb(204, 121, 167);      // dusky rose
inline const ImVec4 kNeutral = rgb(0, 158, 115);     // bluish green: before the baseline
inline const ImVec4 kLf = rgb(0, 114, 178, 0.45f);   // blue
inline const ImVec4 kHf = rgb(240, 228, 66, 0.30f);  // yellow
inline const ImVec4 kMark = rgb(240, 228, 66);       // a user's mark on the tachogram
inline const ImVec4 kSurge = rgb(204, 121, 167);     // a detected surge

inline ImVec4 mix(const ImVec4& a, const ImVec4& b, float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t,
            a.w + (b.w - a.w) * t};
}

// The colour for an arousal level 0-1: the band's own colour (calm below 0.35, activated to
// 0.65, high above: engine/arousal.h), blending only within 0.03 of a boundary. A wide blend
// passes blue and amber through a muddy olive that names no band.
inline ImVec4 arousal_colour(float level) {
    constexpr float kBlend = 0.03f;
    if (level < 0.35f - kBlend) return kCalm;
    if (level < 0.35f + kBlend)
        return mix(kCalm, kActivated, (level - 0.35f + kBlend) / (2 * kBlend));
    if (level < 0.65f - kBlend) return kActivated;
    if (level < 0.65f + kBlend)
        return mix(kActivated, kHigh, (level - 0.65f + kBlend) / (2 * kBlend));
    return kHigh;
}

inline ImU32 u32(const ImVec4& c, float alpha = 1.0f) {
    return ImGui::ColorConvertFloat4ToU32({c.x, c.y, c.z, c.w * alpha});
}

// The pacer disc: a body of the colour over the background, and a lighter core under the count.
constexpr float kPacerBodyAlpha = 0.6f;
constexpr float kPacerCoreAlpha = 0.6f;
inline ImVec4 over(const ImVec4& below, const ImVec4& c, float alpha) {
    return mix(below, {c.x, c.y, c.z, 1}, alpha);
}
inline ImVec4 pacer_core_colour(const ImVec4& c) {
    return mix(c, kText, 0.45f);
}
// What the eye sees under the count digit.
inline ImVec4 pacer_core_fill(const ImVec4& c) {
    return over(over(kBackground, c, kPacerBodyAlpha), pacer_core_colour(c), kPacerCoreAlpha);
}

// WCAG 2.x relative luminance and contrast ratio (1-21).
inline double luminance(const ImVec4& c) {
    const auto lin = [](double v) {
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.x) + 0.7152 * lin(c.y) + 0.0722 * lin(c.z);
}
inline double contrast(const ImVec4& a, const ImVec4& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}
// kText or kInk, whichever reads better on `fill`.
inline ImVec4 text_on(const ImVec4& fill) {
    return contrast(kText, fill) >= contrast(kInk, fill) ? kText : kInk;
}

}  // namespace steady::ui
