// The breathing visual: a disc that grows on the inhale, holds with a countdown ring and shrinks
// on the exhale, the count in large type and the phase in words, coloured by arousal.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

const char* phase_words(pacer::Phase p) {
    switch (p) {
        case pacer::Phase::inhale:
            return "Breathe in";
        case pacer::Phase::hold:
            return "Hold";
        case pacer::Phase::exhale:
            return "Breathe out";
        case pacer::Phase::hold_out:
            return "Rest";
    }
    return "";
}

}  // namespace

void draw_pacer(Frame& f, const ImVec2& pos, const ImVec2& size, bool large) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c{pos.x + size.x / 2, pos.y + size.y * (large ? 0.45f : 0.44f)};
    const float room = std::min(size.x, size.y) * (large ? 0.40f : 0.38f);
    if (!f.view) {
        centered_text(dl, f.fonts.phase, c, u32(kDim),
                      f.ended ? "Session ended" : "No session running");
        return;
    }
    if (f.simulated() && f.numbers())
        centered_text(dl, f.fonts.body, {c.x, pos.y + f.fonts.body->FontSize}, u32(kActivated),
                      "Simulated heart data");
    if (f.view->protocol) {
        const ProtocolProgress& pr = *f.view->protocol;
        if (!f.pace || pr.done()) {  // a step without a pacer: what the client reads
            draw_step_text(f, pos, size);
            return;
        }
        // The step above the pacer: where the run stands (the client display says it itself).
        const double left = pr.left_s(f.t_s);
        if (!f.for_client)
            centered_text(dl, f.fonts.body, {c.x, pos.y + f.fonts.body->FontSize * 2.3f},
                          u32(kText),
                          ("Step " + std::to_string(pr.index + 1) + " of " +
                           std::to_string(pr.protocol->steps.size()) + ": " + pr.step()->name +
                           "   " + clock_text(left) + " left")
                              .c_str());
    }
    if (!f.pace) {  // --no-pacer: the heart rate, large, instead
        const std::string hr = f.snap.hr_bpm ? fmt("%.0f", *f.snap.hr_bpm) : "--";
        centered_text(dl, f.fonts.count, c, u32(kText), hr.c_str());
        centered_text(dl, f.fonts.phase, {c.x, c.y + room * 0.6f}, u32(kDim), "bpm  (pacer off)");
        return;
    }
    const pacer::Point& p = *f.pace;
    const ImVec4 colour = f.pacer_colour();
    // Lung volume on an eased curve (the schedule's raised cosine) drives the radius.
    const float v = static_cast<float>(p.volume);
    const float r_min = room * 0.36f, r_max = room * 0.92f;
    const float r = r_min + (r_max - r_min) * v;
    // Soft glow: a few translucent rings, then the body and a lighter core.
    for (int i = 4; i >= 1; --i)
        dl->AddCircleFilled(c, r + room * 0.035f * static_cast<float>(i), u32(colour, 0.05f), 128);
    dl->AddCircleFilled(c, r, u32(colour, kPacerBodyAlpha), 128);
    dl->AddCircleFilled(c, r * 0.82f, u32(pacer_core_colour(colour), kPacerCoreAlpha), 128);
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
    // The count in whichever of light or dark text contrasts more with the disc under it.
    char count[16];
    std::snprintf(count, sizeof count, "%d", p.count);
    centered_text(dl, f.fonts.count, c, u32(text_on(pacer_core_fill(colour))), count);
    const char* words = p.paused ? "Paused" : phase_words(p.phase);
    const float below = c.y + room + f.fonts.phase->FontSize * 0.5f;
    centered_text(dl, f.fonts.phase, {c.x, below}, u32(kText), words);
    if (!f.numbers()) return;
    // Pattern, breath number and tempo.
    char line[160];
    std::snprintf(line, sizeof line, "%s   breath %ld   %.2f s per count   %.1f breaths/min",
                  f.view->pacer->segment_at(f.t_s).pattern.name.c_str(), p.cycle + 1, p.count_s,
                  60.0 / p.cycle_s);
    centered_text(dl, f.fonts.body, {c.x, below + f.fonts.phase->FontSize * 0.95f}, u32(kDim),
                  line);
}

}  // namespace steady::ui
