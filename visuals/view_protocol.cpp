// Clinician mode in the window: the client and protocol picker (the first screen when there are
// several clients), the protocol panel with its steps and controls, what the client reads in a
// step without a pacer, and the per-step table and resonance result of a finished run.
#include <algorithm>
#include <cstring>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

std::string opt(const std::optional<double>& v, const char* format) {
    return v ? fmt(format, *v) : std::string("--");
}

}  // namespace

void draw_clients(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.clients_open) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(em * 46, vp->Size.x * 0.95f), 0});
    ImGui::Begin(
        "Who is training?###clients", nullptr,
        ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextWrapped(
        "Each client's sessions, baseline and resonance rate are kept apart. A pseudonym is "
        "enough.");
    ImGui::Spacing();
    int& chosen_protocol = ui.protocol_choice;
    if (chosen_protocol < 0) {  // first shown: --protocol preselects, else free training
        chosen_protocol = 0;
        for (std::size_t i = 0; i < ui.protocols.size(); ++i)
            if (ui.protocols[i].name == ui.protocol) chosen_protocol = static_cast<int>(i) + 1;
    }
    if (ImGui::BeginTable("##pick", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextColumn();
        ImGui::TextDisabled("Client");
        for (const Client& c : ui.clients) {
            std::string label = c.name;
            if (c.settings.resonance_bpm)
                label += fmt("   (resonance %.1f/min)", *c.settings.resonance_bpm);
            if (ImGui::Selectable(label.c_str(), ui.client == c.name)) ui.client = c.name;
        }
        ImGui::SetNextItemWidth(em * 10);
        const bool entered =
            ImGui::InputTextWithHint("##new", "new client", ui.new_client, sizeof ui.new_client,
                                     ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if ((ImGui::Button("Add") || entered) && ui.new_client[0]) {
            f.ctl.add_client(ui.new_client);
            ui.client = ui.new_client;
            ui.new_client[0] = 0;
        }
        ImGui::TableNextColumn();
        ImGui::TextDisabled("Session");
        if (ImGui::RadioButton("Free training (the pacer)", chosen_protocol == 0))
            chosen_protocol = 0;
        for (std::size_t i = 0; i < ui.protocols.size(); ++i) {
            const protocol::Protocol& p = ui.protocols[i];
            const std::string label = p.name + "  (" + clock_text(p.duration_s()) + ")";
            if (ImGui::RadioButton(label.c_str(), chosen_protocol == static_cast<int>(i) + 1))
                chosen_protocol = static_cast<int>(i) + 1;
            if (ImGui::IsItemHovered() && !p.description.empty())
                ImGui::SetTooltip("%s", p.description.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::Separator();
    const bool have_client = !ui.client.empty();
    ImGui::BeginDisabled(!have_client);
    const std::string start = have_client ? "Start for " + ui.client : "Choose a client";
    if (ImGui::Button(start.c_str()))
        f.ctl.start_for(ui.client,
                        chosen_protocol == 0
                            ? std::string()
                            : ui.protocols[static_cast<std::size_t>(chosen_protocol - 1)].name);
    ImGui::EndDisabled();
    if (f.view) {
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ui.clients_open = false;
    }
    ImGui::End();
}

void draw_protocol_panel(Frame& f) {
    const SessionView* v = f.view;
    if (!v || !v->protocol) return;
    const ProtocolProgress& p = *v->protocol;
    const float em = ImGui::GetFontSize();
    const std::string header = "Protocol: " + p.protocol->name + "###protocol";
    if (!ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
    ImGui::TextDisabled("Client: %s", v->client.c_str());
    for (std::size_t i = 0; i < p.protocol->steps.size(); ++i) {
        const protocol::Step& s = p.protocol->steps[i];
        const int idx = static_cast<int>(i);
        const bool now = idx == p.index, done = idx < p.index;
        const ImVec4 col = now ? kText : done ? kDim : mix(kDim, kPanel, 0.25f);
        ImGui::TextColored(col, "%s %zu  %s", now ? ">" : done ? " " : " ", i + 1, s.name.c_str());
        ImGui::SameLine(ImGui::GetContentRegionMax().x - ImGui::CalcTextSize("00:00").x);
        ImGui::TextColored(col, "%s", clock_text(s.duration_s).c_str());
        if (now) {
            const double len = std::max(1.0, p.step_end_s - p.step_start_s);
            const double left = p.left_s(f.t_s);
            const std::string over = (p.paused ? "paused, " : "") + clock_text(left) + " left";
            ImGui::PushStyleColor(ImGuiCol_PlotHistogram, mix(kCalm, kPanel, 0.2f));
            ImGui::ProgressBar(static_cast<float>(1 - left / len), {-1, em * 1.1f}, over.c_str());
            ImGui::PopStyleColor();
        }
    }
    if (p.done()) {
        ImGui::TextColored(kCalm, "Protocol complete.");
    } else if (const protocol::Step* s = p.step(); s && !s->clinician_text.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kActivated);
        ImGui::TextWrapped("%s", s->clinician_text.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::BeginDisabled(p.done());
    if (ImGui::Button("Next step")) f.ctl.next_step();
    ImGui::SameLine();
    if (ImGui::Button("Repeat")) f.ctl.repeat_step();
    ImGui::SameLine();
    if (ImGui::Button("+1 min")) f.ctl.extend_step(60);
    ImGui::SameLine();
    if (ImGui::Button(p.paused ? "Resume" : "Pause")) f.ctl.toggle_pause();
    ImGui::EndDisabled();
    if (p.rf && p.rf->suggested_bpm) {
        ImGui::Separator();
        draw_rf_result(f, *p.rf, v->client);
    }
    ImGui::Spacing();
}

// A step without a pacer: what the client reads, large, with the time left.
void draw_step_text(Frame& f, const ImVec2& pos, const ImVec2& size) {
    const ProtocolProgress& p = *f.view->protocol;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 c{pos.x + size.x / 2, pos.y + size.y * 0.30f};
    if (p.done()) {
        centered_text(dl, f.fonts.phase, c, u32(kCalm), "Protocol complete");
        return;
    }
    const protocol::Step& s = *p.step();
    centered_text(dl, f.fonts.phase, c, u32(kText), s.name.c_str());
    const std::string left = clock_text(p.left_s(f.t_s)) + (p.paused ? "  paused" : "");
    centered_text(dl, f.fonts.number, {c.x, c.y + f.fonts.phase->FontSize * 1.2f}, u32(kDim),
                  left.c_str());
    // The client's instruction, wrapped in the middle of the area.
    const float wrap = size.x * 0.7f;
    ImGui::PushFont(f.fonts.number);
    const ImVec2 ts = ImGui::CalcTextSize(s.client_text.c_str(), nullptr, false, wrap);
    ImGui::SetCursorScreenPos({c.x - std::min(wrap, ts.x) / 2, c.y + size.y * 0.2f});
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
    ImGui::TextUnformatted(s.client_text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    // The heart rate, small, for the clinician.
    if (!f.numbers()) return;
    const std::string hr = f.snap.hr_bpm ? fmt("%.0f bpm", *f.snap.hr_bpm) : "-- bpm";
    centered_text(dl, f.fonts.body, {c.x, pos.y + size.y * 0.92f}, u32(kDim), hr.c_str());
}

void draw_step_table(const SessionSummary& s) {
    const float em = ImGui::GetFontSize();
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("##steps", 11, flags)) return;
    for (const char* h : {"Step", "Kind", "Time", "HR bpm", "SDNN ms", "RMSSD ms", "LF ms2",
                          "HF ms2", "LF/HF", "Coherence", "Reactivity / recovery"})
        ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const protocol::StepStats& st : s.steps) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d %s", st.index + 1, st.name.c_str());
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", st.kind.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted((clock_text(st.start_s) + "-" + clock_text(st.end_s)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.mean_hr_bpm, "%.1f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.sdnn_ms, "%.1f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.rmssd_ms, "%.1f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.lf_ms2, "%.0f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.hf_ms2, "%.0f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.lf_hf, "%.2f").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(opt(st.coherence_ratio_mean, "%.2f").c_str());
        ImGui::TableNextColumn();
        if (st.kind == "stressor")
            ImGui::TextUnformatted(
                (st.reactivity_bpm ? fmt("%+.1f bpm", *st.reactivity_bpm) : "--").c_str());
        else if (st.kind == "recovery")
            ImGui::TextUnformatted((st.hr_recovery
                                        ? "half-way in " + clock_text(st.hr_recovery->t50_s)
                                        : std::string("no curve"))
                                       .c_str());
        if (st.kind == "recovery" && !st.hr_recovery && ImGui::IsItemHovered())
            ImGui::SetTooltip("%s", st.hr_recovery_reason.c_str());
    }
    ImGui::EndTable();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + em * 50);
    ImGui::TextDisabled(
        "--: the step is too short for the metric (HF needs 60 s, LF and LF/HF 120 s, coherence "
        "64 s). Artifacts are left out of every figure.");
    ImGui::PopTextWrapPos();
}

void draw_rf_result(Frame& f, const RfResultEvent& rf, const std::string& client) {
    ImGui::TextUnformatted("Resonance-frequency assessment");
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("##rf", 8, flags)) {
        for (const char* h : {"Rate /min", "Phase deg", "Peak-trough bpm", "LF ms2",
                              "LF peak ms2/Hz", "Smooth", "Peaks", "Score"})
            ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const RfRate& r : rf.rates) {
            const bool best = rf.suggested_bpm && *rf.suggested_bpm == r.bpm;
            ImGui::TableNextRow();
            if (best)
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, u32(mix(kCalm, kPanel, 0.55f)));
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", r.bpm);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.phase_deg, "%+.0f").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.peak_trough_bpm, "%.1f").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.lf_ms2, "%.0f").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.lf_peak_ms2_per_hz, "%.0f").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.smoothness, "%.2f").c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.lf_peaks ? std::to_string(*r.lf_peaks).c_str() : "--");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(opt(r.score, "%.2f").c_str());
        }
        ImGui::EndTable();
    }
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 40);
    ImGui::TextDisabled(
        "Phase leads the rule (0.50), then peak-to-trough 0.20, LF power 0.15, LF peak, "
        "smoothness and peaks 0.05 each. No published weighting has been validated: judge where "
        "the criteria agree.");
    ImGui::PopTextWrapPos();
    if (rf.suggested_bpm && !client.empty()) {
        const std::string label =
            fmt("Confirm %.1f breaths/min for ", *rf.suggested_bpm) + client + "###confirm_rf";
        if (ImGui::Button(label.c_str())) f.ctl.confirm_resonance(client, *rf.suggested_bpm);
    }
}

}  // namespace steady::ui
