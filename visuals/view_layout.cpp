// The window's layout (top bar, the pacer in the centre, panels either side, the tachogram
// below, overlays on top) and the top bar.
#include <algorithm>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus;

// Width of a row of buttons with these labels, for right-aligning them.
float buttons_width(std::initializer_list<const char*> labels) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float w = 0;
    for (const char* l : labels)
        w += ImGui::CalcTextSize(l, nullptr, true).x + st.FramePadding.x * 2 + st.ItemSpacing.x;
    return w;
}

}  // namespace

void draw_window(Frame& f) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const ImVec2 origin = vp->Pos, size = vp->Size;
    const float em = ImGui::GetFontSize();
    const bool focus = f.ui.focus;

    const float bar_h = focus ? 0 : em * (f.ui.notice.empty() ? 2.6f : 4.0f);
    if (!focus) {
        ImGui::SetNextWindowPos(origin);
        ImGui::SetNextWindowSize({size.x, bar_h});
        ImGui::Begin("##top", nullptr, kFixed);
        draw_top_bar(f);
        ImGui::End();
    }
    const float side_w = focus ? 0 : std::clamp(size.x * 0.22f, em * 16, em * 26);
    const float tacho_h = focus ? 0 : std::clamp(size.y * 0.22f, em * 7, em * 14);
    const ImVec2 centre_pos{origin.x + side_w, origin.y + bar_h};
    const ImVec2 centre_size{size.x - 2 * side_w, size.y - bar_h - tacho_h};
    f.tacho_pos = {origin.x, origin.y + size.y - std::max(tacho_h, em * 7)};
    f.tacho_size = {size.x, std::max(tacho_h, em * 7)};

    ImGui::SetNextWindowPos(centre_pos);
    ImGui::SetNextWindowSize(centre_size);
    ImGui::SetNextWindowBgAlpha(0);
    ImGui::Begin("##pacer", nullptr, kFixed | ImGuiWindowFlags_NoInputs);
    draw_pacer(f, centre_pos, centre_size, focus);
    ImGui::End();

    if (!focus) {
        ImGui::SetNextWindowPos({origin.x, origin.y + bar_h});
        ImGui::SetNextWindowSize({side_w, size.y - bar_h - tacho_h});
        ImGui::Begin("##left", nullptr, kFixed);
        if (f.ui.client_display) draw_client_display_controls(f);
        draw_protocol_panel(f);
        draw_left_panels(f);
        ImGui::End();
        ImGui::SetNextWindowPos({origin.x + size.x - side_w, origin.y + bar_h});
        ImGui::SetNextWindowSize({side_w, size.y - bar_h - tacho_h});
        ImGui::Begin("##right", nullptr, kFixed);
        draw_right_panels(f);
        ImGui::End();
        ImGui::SetNextWindowPos({origin.x, origin.y + size.y - tacho_h});
        ImGui::SetNextWindowSize({size.x, tacho_h});
        ImGui::Begin("##tacho", nullptr, kFixed);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        draw_tachogram(f, p, ImGui::GetContentRegionAvail());
        ImGui::End();
    } else {
        // Focus mode: only the pacer, and one quiet line on how to leave, in the corner.
        ImDrawList* fg = ImGui::GetForegroundDrawList();
        const char* hint = "Esc: leave focus   Space: pause   T: mark a trigger";
        const ImVec2 ts = ImGui::CalcTextSize(hint);
        fg->AddText({origin.x + size.x - ts.x - em, origin.y + size.y - em * 1.6f}, u32(kDim, 0.8f),
                    hint);
    }
    draw_picker(f);
    draw_journal(f);
    draw_grounding(f);
    draw_settings(f);
    draw_sessions(f);
    draw_progress(f);
    draw_journal_list(f);
    draw_summary(f);
    draw_review(f);
    draw_clients(f);
    draw_error(f);
}

void draw_top_bar(Frame& f) {
    const SessionView* v = f.view;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Steady");
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
    ImGui::Text("Session %s", clock_text(f.t_s).c_str());
    if (f.simulated()) {
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Button, kActivated);
        ImGui::PushStyleColor(ImGuiCol_Text, kInk);
        ImGui::SmallButton("SIMULATED DATA");
        ImGui::PopStyleColor(2);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("No strap: a simulated person is shown. Pick a sensor to use yours.");
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s", v ? v->sensor.name.c_str() : "no session");
    if (v && !v->client.empty() && v->client != Database::kDefaultClient) {
        ImGui::SameLine();
        ImGui::Text("| %s", v->client.c_str());
    }
    if (v && f.snap.sensor.state != SensorState::connected) {  // reconnecting...: say so here
        ImGui::SameLine();
        ImGui::TextColored(kActivated, "%s", to_string(f.snap.sensor.state));
    }

    const bool protocol = v && v->protocol;
    const bool paused = protocol ? v->protocol->paused : f.pace && f.pace->paused;
    const char* pause = paused ? "Resume (Space)" : "Pause (Space)";
    const char* end = v ? "End session" : "New session";
    const float w =
        buttons_width({pause, "Mark trigger (T)", "Focus (Z)", "Sensor...", "Clients...",
                       "Sessions", "Journal", "Progress", "Settings", end});
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowWidth() - w));
    ImGui::BeginDisabled(!f.pace && !protocol);
    if (ImGui::Button(pause)) f.ctl.toggle_pause();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!v);
    ImGui::PushStyleColor(ImGuiCol_Button, mix(kHigh, kPanel, 0.45f));
    if (ImGui::Button("Mark trigger (T)")) f.ctl.mark_trigger();
    ImGui::PopStyleColor();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Focus (Z)")) f.ui.focus = true;
    ImGui::SameLine();
    if (ImGui::Button("Sensor...")) f.ui.picker_open = true;
    ImGui::SameLine();
    if (ImGui::Button("Clients...")) f.ctl.open_clients();
    ImGui::SameLine();
    if (ImGui::Button("Sessions")) f.ctl.open_sessions();
    ImGui::SameLine();
    if (ImGui::Button("Journal")) f.ctl.open_journal_list();
    ImGui::SameLine();
    if (ImGui::Button("Progress")) f.ctl.open_progress();
    ImGui::SameLine();
    if (ImGui::Button("Settings")) f.ui.settings_open = true;
    ImGui::SameLine();
    if (ImGui::Button(end)) {
        if (v)
            f.ctl.end_session();
        else if (f.ui.clients.size() > 1)  // clinician mode: whose, and which protocol
            f.ctl.open_clients();
        else
            f.ctl.start_session(f.config.window.last_sensor.value_or("sim:paced"));
    }
    if (!f.ui.notice.empty()) ImGui::TextColored(kActivated, "%s", f.ui.notice.c_str());
}

}  // namespace steady::ui
