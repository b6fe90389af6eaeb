// The client's display (steady --client-display): what the client needs and nothing else. The
// pacer (or, in a step without one, the step's instruction), the step and its time left, and one
// gentle element for coherence: a soft band of light under the pacer that fills and warms as the
// heart rhythm settles into the breath. No controls; figures only when the clinician turns them
// on from the console. The console's controls for it sit at the top of its left panel.
#include <algorithm>
#include <cmath>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

constexpr ImGuiWindowFlags kWhole =
    ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
    ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoInputs;

// The coherence band: a rounded bar whose lit part follows the coherence score (0-16), its
// colour moving from the calm blue toward a soft green; words, not numbers, under it.
void coherence_band(Frame& f, ImDrawList* dl, const ImVec2& centre, float width) {
    const float em = ImGui::GetFontSize();
    const float h = em * 0.9f;
    const ImVec2 a{centre.x - width / 2, centre.y - h / 2},
        b{centre.x + width / 2, centre.y + h / 2};
    dl->AddRectFilled(a, b, u32(kDim, 0.15f), h / 2);
    const double score = f.snap.coherence_score.value_or(0);
    const float fill = static_cast<float>(std::clamp(score / 16.0, 0.0, 1.0));
    const ImVec4 green = rgb(120, 200, 150);
    const ImVec4 colour = mix(kCalm, green, fill);
    if (f.snap.coherence_score && fill > 0.01f) {
        for (int i = 3; i >= 1; --i)  // a soft glow around the lit part
            dl->AddRectFilled({a.x - static_cast<float>(i) * 2, a.y - static_cast<float>(i) * 2},
                              {a.x + (b.x - a.x) * fill + static_cast<float>(i) * 2,
                               b.y + static_cast<float>(i) * 2},
                              u32(colour, 0.06f), h);
        dl->AddRectFilled(a, {a.x + std::max((b.x - a.x) * fill, h), b.y}, u32(colour, 0.85f),
                          h / 2);
    }
    const char* words = !f.snap.coherence_score ? "listening to your heart..."
                        : fill < 0.25f          ? "settling"
                        : fill < 0.5f           ? "steadier"
                                                : "your heart is breathing with you";
    centered_text(dl, f.fonts.body, {centre.x, b.y + em * 1.1f}, u32(kDim), words);
    if (f.numbers() && f.snap.coherence_score) {
        const std::string figures =
            "coherence " + fmt("%.1f", score) +
            (f.snap.hr_bpm ? "   " + fmt("%.0f bpm", *f.snap.hr_bpm) : std::string());
        centered_text(dl, f.fonts.body, {centre.x, b.y + em * 2.3f}, u32(kDim, 0.8f),
                      figures.c_str());
    }
}

}  // namespace

void draw_client_display(Frame& f) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::SetNextWindowBgAlpha(0);
    ImGui::Begin("##client", nullptr, kWhole);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 pos = vp->Pos, size = vp->Size;
    if (!f.view) {
        centered_text(dl, f.fonts.phase, {pos.x + size.x / 2, pos.y + size.y * 0.45f}, u32(kDim),
                      f.ended ? "Well done. The session has ended." : "Your session starts soon");
        ImGui::End();
        return;
    }
    // The step and its time left at the top; the pacer (or the step's instruction) under it;
    // the coherence band below.
    float top = 0;
    if (f.view->protocol && !f.view->protocol->done() && f.pace) {
        const ProtocolProgress& pr = *f.view->protocol;
        const std::string line = pr.step()->name + "   " + clock_text(pr.left_s(f.t_s)) + " left";
        centered_text(dl, f.fonts.number, {pos.x + size.x / 2, pos.y + f.fonts.number->FontSize},
                      u32(kText), line.c_str());
        top = f.fonts.number->FontSize * 2;
    }
    const ImVec2 area{size.x, size.y * 0.82f - top};
    draw_pacer(f, {pos.x, pos.y + top}, area, true);
    if (f.snap.coherence_score || f.view->snapshot)
        coherence_band(f, dl, {pos.x + size.x / 2, pos.y + size.y * 0.88f},
                       std::min(size.x * 0.5f, ImGui::GetFontSize() * 30));
    ImGui::End();
}

void draw_client_display_controls(Frame& f) {
    ImGui::TextColored(kDim, "Client display");
    bool shown = f.ui.client_shown;
    if (ImGui::Checkbox("Shown", &shown)) f.ctl.show_client_display(shown);
    ImGui::SameLine();
    ImGui::Checkbox("Figures on it", &f.ui.client_numbers);
    ImGui::BeginDisabled(f.ui.screens < 2);
    if (ImGui::Button("Move to next screen")) f.ctl.move_client_display();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("screen %d of %d", f.ui.client_screen + 1, f.ui.screens);
    ImGui::Separator();
}

}  // namespace steady::ui
