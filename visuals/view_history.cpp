// A session's summary (the one just ended, or any past one) with its journal notes, and the
// Sessions list that opens them.
#include <cstdio>

#include "visuals/palette.h"
#include "visuals/view.h"

namespace steady::ui {
namespace {

std::string opt_text(const std::optional<double>& v, const char* f) {
    return v ? fmt(f, *v) : "--";
}

std::string recoveries(const std::vector<double>& r) {
    std::string out;
    for (const double s : r) out += (out.empty() ? "" : ", ") + clock_text(s);
    return out.empty() ? "--" : out;
}

// "2026-12-01 03:06 UTC" from the stored ISO time.
std::string when(const std::string& iso) {
    if (iso.size() >= 16 && iso[10] == 'T') return iso.substr(0, 10) + " " + iso.substr(11, 5);
    return iso;
}

}  // namespace

void draw_summary(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.summary) return;
    const ShownSummary& sh = *ui.summary;
    const SessionSummary& s = sh.summary;
    const float em = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({s.steps.empty() ? em * 36 : em * 66, 0});
    bool open = true;
    const std::string title = "Session " + std::to_string(sh.session.id) + "###summary";
    ImGui::Begin(title.c_str(), &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoResize);
    ImGui::TextDisabled("%s UTC, %s, %s", when(sh.session.started_at).c_str(),
                        sh.session.client.c_str(), sh.session.sensor.c_str());
    if (sh.session.sensor.rfind("sim", 0) == 0)
        ImGui::TextColored(kActivated, "Simulated data, not a person's heart.");
    if (ImGui::BeginTable("##summary", 2)) {
        ImGui::TableSetupColumn("##k", ImGuiTableColumnFlags_WidthFixed, em * 11);
        ImGui::TableSetupColumn("##v", ImGuiTableColumnFlags_WidthStretch);
        const auto row = [](const char* k, const std::string& v) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(v.c_str());
        };
        row("Duration", clock_text(s.duration_s));
        row("Mean heart rate", opt_text(s.mean_hr_bpm, "%.0f bpm"));
        row("RMSSD first 3 min", opt_text(s.rmssd_first_ms, "%.1f ms"));
        row("RMSSD last 3 min", opt_text(s.rmssd_last_ms, "%.1f ms"));
        row(("Coherence, level " + std::to_string(s.challenge)).c_str(),
            "low " + clock_text(s.coherence_s[0]) + ", medium " + clock_text(s.coherence_s[1]) +
                ", high " + clock_text(s.coherence_s[2]));
        row("Triggers marked", std::to_string(s.triggers_marked));
        row("Surges detected", std::to_string(s.surges_detected));
        row("Recovered in", recoveries(s.recovery_s));
        row("Pacer adaptations", std::to_string(s.pacer_adaptations));
        row("Grounding offered", std::to_string(s.grounding_offered));
        row("Beats", std::to_string(s.beats) + fmt(" (%.1f %% set aside)", s.artifacts_pct));
        ImGui::EndTable();
    }
    if (!s.steps.empty()) {
        ImGui::Separator();
        for (const Event& e : sh.events)
            if (const auto* p = e.as<ProtocolEvent>())
                ImGui::Text("Protocol %s, step by step", p->name.c_str());
        draw_step_table(s);
    }
    for (const Event& e : sh.events)
        if (const auto* rf = e.as<RfResultEvent>()) {
            ImGui::Separator();
            draw_rf_result(f, *rf, sh.session.client);
        }
    bool header = false;
    for (const Event& e : sh.events) {
        const auto* n = e.as<JournalEvent>();
        if (!n) continue;
        if (!header) {
            ImGui::Separator();
            ImGui::TextUnformatted("Journal");
            header = true;
        }
        std::string text = n->what.empty() ? "(no note)" : n->what;
        if (!n->body.empty()) text += "; body: " + n->body;
        if (!n->thought.empty()) text += "; thought: " + n->thought;
        if (n->intensity) text += "; intensity " + std::to_string(*n->intensity) + "/10";
        ImGui::TextDisabled("%s", clock_text(n->mark_t_s).c_str());
        ImGui::SameLine();
        ImGui::TextWrapped("%s", text.c_str());
    }
    ImGui::Separator();
    ImGui::TextDisabled("Saved. `steady sessions show %lld` prints it again.",
                        static_cast<long long>(sh.session.id));
    if (ImGui::Button(ui.quit_after_summary ? "Close Steady" : "Close summary")) open = false;
    if (!ui.quit_after_summary) {
        ImGui::SameLine();
        if (ImGui::Button("Review...")) {
            const std::int64_t id = sh.session.id;
            open = false;
            f.ctl.open_review(id);
        }
        ImGui::SameLine();
        if (ImGui::Button("All sessions...")) {
            open = false;
            f.ctl.open_sessions();
        }
    }
    ImGui::End();
    if (!open) ui.summary.reset();
}

void draw_sessions(Frame& f) {
    UiState& ui = f.ui;
    if (!ui.sessions_open) return;
    const float em = ImGui::GetFontSize();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(em * 56, vp->Size.x * 0.95f), em * 24}, ImGuiCond_Appearing);
    if (!ImGui::Begin("Sessions", &ui.sessions_open, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return;
    }
    if (ui.past.empty()) ImGui::TextDisabled("No sessions yet.");
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp;
    ImGui::TextDisabled("Newest first; click a row for its summary and journal notes.");
    if (!ui.past.empty() && ImGui::BeginTable("##past", 7, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"date (UTC)", "client", "duration", "marked / found", "recovered in",
                              "coherence high", "sensor"})
            ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (auto it = ui.past.rbegin(); it != ui.past.rend(); ++it) {  // newest first
            const StoredSession& s = it->session;
            const SessionSummary& m = it->summary;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(static_cast<int>(s.id));
            if (ImGui::Selectable(when(s.started_at).c_str(), false,
                                  ImGuiSelectableFlags_SpanAllColumns))
                f.ctl.open_past(s.id);
            ImGui::PopID();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(s.client.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(clock_text(s.duration_s).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d / %d", m.triggers_marked, m.surges_detected);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(recoveries(m.recovery_s).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(clock_text(m.coherence_s[2]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", s.sensor.c_str());
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace steady::ui
