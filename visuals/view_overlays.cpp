// Windows over the trainer: the sensor picker, the trigger note, the grounding exercise and an
// error that needs the user (a sensor that failed to start).
#include <algorithm>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

// A selectable row whose text wraps to the row's width (a long scenario description is never
// cut mid-word); returns true when clicked.
bool wrapped_row(const char* id, const std::string& title, const std::string& detail,
                 bool selected) {
    const float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().FramePadding.x * 2;
    const ImVec2 t = ImGui::CalcTextSize(title.c_str(), nullptr, false, wrap);
    const ImVec2 d = ImGui::CalcTextSize(detail.c_str(), nullptr, false, wrap);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushID(id);
    const bool clicked = ImGui::Selectable("##row", selected, 0, {0, t.y + d.y + 4});
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImFont* font = ImGui::GetFont();
    dl->AddText(font, font->FontSize, {at.x + 2, at.y}, u32(kText), title.c_str(), nullptr, wrap);
    dl->AddText(font, font->FontSize, {at.x + 2, at.y + t.y + 2}, u32(kDim), detail.c_str(),
                nullptr, wrap);
    return clicked;
}

}  // namespace

void draw_picker(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.picker_open) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize({std::min(em * 40, vp->Size.x * 0.9f), em * 26}, ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    if (!ImGui::Begin("Choose a sensor", &ui.picker_open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    const bool scanning =
        ui.scan.valid() && ui.scan.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
    if (ui.scan.valid() && !scanning) {
        auto [found, problems] = ui.scan.get();
        ui.scan_result = std::move(found);
        ui.scan_problems = std::move(problems);
    }
    // A scan can take seconds (BLE discovery): it runs off the UI thread. The first opening
    // starts one.
    if (!scanning && ui.scan_result.empty() && !ui.scan.valid()) f.ctl.start_scan();
    if (ImGui::Button(scanning ? "Scanning..." : "Scan again") && !scanning) f.ctl.start_scan();
    ImGui::SameLine();
    ImGui::TextDisabled("Straps (BLE, ANT+), the simulator, or a recorded file");
    ImGui::Separator();
    const std::string running = f.view ? f.view->sensor.id : "";
    const bool listed = std::any_of(ui.scan_result.begin(), ui.scan_result.end(),
                                    [&](const SensorInfo& i) { return i.id == running; });
    if (f.view && !listed)
        wrapped_row("running", f.view->sensor.name, "in use now   [" + running + "]", true);
    for (const SensorInfo& info : ui.scan_result) {
        const bool current = info.id == running;
        if (wrapped_row(info.id.c_str(), info.name,
                        (current ? "in use now   [" : "[") + info.id + "]", current) &&
            !current)
            f.ctl.start_session(info.id);
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kActivated);
    for (const std::string& p : ui.scan_problems) ImGui::TextWrapped("%s", p.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - em * 6);
    ImGui::InputTextWithHint("##replay", "RR file to replay (path)", ui.replay_path,
                             sizeof ui.replay_path);
    ImGui::SameLine();
    if (ImGui::Button("Replay") && ui.replay_path[0])
        f.ctl.start_session(std::string("replay:") + ui.replay_path);
    ImGui::End();
}

void draw_grounding(Frame& f) {
    UiState& ui = f.ui;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    // The session decides when to offer (src/training); the window only asks.
    if (f.view && f.view->grounding_offered && ui.grounding_step < 0) {
        ImGui::SetNextWindowPos({vp->GetCenter().x, vp->Pos.y + em * 4}, ImGuiCond_Always,
                                {0.5f, 0});
        ImGui::Begin("##offer", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize);
        ImGui::TextUnformatted("Still very activated. A grounding exercise can help: 5-4-3-2-1.");
        if (ImGui::Button("Start grounding")) f.ctl.accept_grounding();
        ImGui::SameLine();
        if (ImGui::Button("Not now")) f.ctl.dismiss_grounding();
        ImGui::End();
    }
    if (ui.grounding_step < 0) return;
    static const char* kSteps[] = {"Name 5 things you can see around you.",
                                   "Notice 4 things you can touch or feel.",
                                   "Listen for 3 things you can hear.",
                                   "Find 2 things you can smell.", "Notice 1 thing you can taste."};
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 30, 0});
    ImGui::Begin("Grounding 5-4-3-2-1", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize);
    ImGui::PushFont(f.fonts.phase);
    ImGui::Text("%d", 5 - ui.grounding_step);
    ImGui::PopFont();
    ImGui::TextWrapped("%s", kSteps[ui.grounding_step]);
    ImGui::TextDisabled("Take your time. Keep breathing with the circle if you can.");
    if (ImGui::Button(ui.grounding_step < 4 ? "Next" : "Done") && ++ui.grounding_step > 4)
        ui.grounding_step = -1;
    ImGui::SameLine();
    if (ImGui::Button("Close")) ui.grounding_step = -1;
    ImGui::End();
}

void draw_error(Frame& f) {
    UiState& ui = f.ui;
    if (ui.error.empty()) return;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({em * 32, 0});
    ImGui::Begin("Could not start the session", nullptr,
                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize);
    ImGui::TextWrapped("%s", ui.error.c_str());
    ImGui::Spacing();
    if (ImGui::Button("Choose a sensor...")) {
        ui.error.clear();
        ui.picker_open = true;
    }
    ImGui::SameLine();
    if (ImGui::Button("Practise with the simulator")) {
        ui.error.clear();
        f.ctl.start_session("sim:paced");
    }
    ImGui::SameLine();
    if (ImGui::Button("Close")) ui.error.clear();
    ImGui::End();
}

}  // namespace steady::ui
